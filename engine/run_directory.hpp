#pragma once
/// \file Atomic result directories: files are written into a hidden staging sibling that is renamed into
/// place only when complete, so no directory that looks finished can hold partial results.

#include <filesystem>
#include <optional>
#include <string>

namespace districtcast {

/// Why a result directory cannot be used.
struct DirectoryProblem {
  std::string message;
  bool usage_error = false;  ///< true: the user asked for something not allowed (exit 2), else I/O (exit 1)
};

/// `outputs_root/<scenario>/<UTC timestamp>` (e.g. 20261128T162441Z), with "-2", "-3", ... appended if
/// that directory already exists.
[[nodiscard]] std::filesystem::path default_run_directory(const std::filesystem::path& outputs_root,
                                                          const std::string& scenario_name);

/// A staging directory that becomes `target` on commit() and is deleted otherwise.
class RunDirectory {
public:
  /// Checks `target` (must not exist, be an empty directory, or — with `overwrite` — any directory) and
  /// creates the hidden staging sibling `.<name>.partial-<pid>` (creating parents as needed).
  static std::optional<RunDirectory> prepare(const std::filesystem::path& target, bool overwrite,
                                             DirectoryProblem& problem);

  RunDirectory(RunDirectory&& other) noexcept;
  RunDirectory& operator=(RunDirectory&&) = delete;
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;
  /// Removes the staging directory unless commit() succeeded.
  ~RunDirectory();

  /// Where to write files now.
  [[nodiscard]] const std::filesystem::path& staging() const noexcept { return staging_; }
  [[nodiscard]] const std::filesystem::path& target() const noexcept { return target_; }
  /// fsyncs the staged files and renames staging -> target (replacing an old target when allowed).
  /// Throws std::runtime_error on failure; the staging directory is then removed by the destructor.
  void commit();
  /// Deletes the staging directory now.
  void discard() noexcept;

private:
  RunDirectory(std::filesystem::path target, std::filesystem::path staging, bool overwrite)
      : target_(std::move(target)), staging_(std::move(staging)), overwrite_(overwrite) {}

  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool overwrite_ = false;
  bool active_ = true;
};

}  // namespace districtcast
