#pragma once
/// \file Atomic result directories: files are written into a hidden staging sibling that is renamed into
/// place only when complete, so no directory that looks finished can hold partial results.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace districtcast {

/// Why a result directory cannot be used.
struct DirectoryProblem {
  std::string message;
  bool usage_error = false;  ///< true: the user asked for something not allowed (exit 2), else I/O (exit 1)
};

/// `outputs_root/<scenario>/<UTC timestamp>` (e.g. 20261128T162441Z). With RunDirectory::Naming::unique
/// the final name gets "-2", "-3", ... if another run took it first.
[[nodiscard]] std::filesystem::path default_run_directory(const std::filesystem::path& outputs_root,
                                                          const std::string& scenario_name);

/// A staging directory that becomes the target on commit() and is deleted otherwise.
class RunDirectory {
public:
  /// exact: the target is the given path. unique: the target is the given path or, if that exists by
  /// commit time (e.g. a parallel run started in the same second), the first free "<path>-N", N >= 2.
  enum class Naming { exact, unique };

  /// Checks the target and creates the hidden staging sibling `.<name>.partial-<pid>` (creating parent
  /// directories as needed; those are removed again by discard() if still empty). An existing target
  /// must be a directory (symlinks are followed) that is empty, or — with `overwrite` — a previous run
  /// directory: it may hold only entries named in `replaceable_files` (files, or directories for a batch), and must not be the current
  /// directory or one of its parents.
  static std::optional<RunDirectory> prepare(const std::filesystem::path& target, bool overwrite,
                                             const std::vector<std::string>& replaceable_files,
                                             DirectoryProblem& problem, Naming naming = Naming::exact);

  RunDirectory(RunDirectory&& other) noexcept;
  RunDirectory& operator=(RunDirectory&&) = delete;
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;
  /// Removes the staging directory unless commit() succeeded.
  ~RunDirectory();

  /// Where to write files now.
  [[nodiscard]] const std::filesystem::path& staging() const noexcept { return staging_; }
  /// The final directory (after commit(): where the results are).
  [[nodiscard]] const std::filesystem::path& target() const noexcept { return target_; }
  /// fsyncs the staged files and renames staging -> target (replacing an old target when allowed).
  /// Throws std::runtime_error on failure; the staging directory is then removed by the destructor.
  void commit();
  /// Deletes the staging directory (and parents prepare() created that are now empty).
  void discard() noexcept;
  /// Stops managing the staging directory without deleting it: it stays hidden, never becomes the target
  /// (an interrupted batch keeps its finished scenarios there for --resume).
  void keep() noexcept { active_ = false; }

private:
  RunDirectory(std::filesystem::path target, std::filesystem::path staging, bool overwrite, Naming naming,
               std::vector<std::filesystem::path> created_parents)
      : target_(std::move(target)), staging_(std::move(staging)), overwrite_(overwrite), naming_(naming),
        created_parents_(std::move(created_parents)) {}
  void commit_unique();

  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool overwrite_ = false;
  Naming naming_ = Naming::exact;
  std::vector<std::filesystem::path> created_parents_;  ///< deepest first
  bool active_ = true;
};

}  // namespace districtcast
