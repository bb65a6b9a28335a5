#pragma once
/// \file Internal to engine/scenario_*.cpp: the composition machinery (`extends` merging, overrides, sweeps)
/// shared by the scenario loader and batch files. Sees yaml-cpp; nothing outside engine/scenario* may
/// include it.
///
/// Composed documents are built without cloning: a merged or overridden mapping or list is a new node
/// whose entries are the original nodes (yaml-cpp node identity, YAML::Node::is()), so a SourceMap can
/// tell, for any node the validator complains about, which file (or override) wrote it and where.

#include "engine/scenario_compose.hpp"
#include "engine/scenario_validator.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace districtcast::scenario_detail {

/// Reads and validates a scenario document (defined in scenario_loader.cpp). `root` must be a mapping;
/// `default_name` is the name used when it has no `name` key. Every problem goes to `v`.
[[nodiscard]] Scenario read_scenario_root(Validator& v, const YAML::Node& root, const std::string& default_name);

/// A YAML document and the name diagnostics give it (a file path, or "--set KEY=VALUE").
struct Document {
  std::string display;
  YAML::Node root;
};

/// Where each node of a composed document was written: in which registered document (found by node identity),
/// or, for a node made by composition, the origin it was registered with.
class SourceMap {
public:
  /// Registers every node under `root` as written in `display`; `positioned` false: report no line:column
  /// (a value given on the command line).
  void add_document(std::string display, const YAML::Node& root, bool positioned = true);
  /// Registers a node made by composition (a merged mapping, a created key) as written at `origin`.
  void add_node(const YAML::Node& node, Validator::NodeOrigin origin);
  /// Where `node` was written; nullopt if it is in no registered document.
  [[nodiscard]] std::optional<Validator::NodeOrigin> locate(const YAML::Node& node) const;
  /// locate(), or `fallback` with the node's own mark when unknown.
  [[nodiscard]] Validator::NodeOrigin locate_or(const YAML::Node& node, const std::string& fallback) const;
  /// A diagnostic at `node` (file and line:column from locate_or()).
  [[nodiscard]] Diagnostic diagnostic(const YAML::Node& node, const std::string& fallback, std::string path,
                                      std::string message) const;

private:
  struct Entry {
    std::string display;
    YAML::Node root;
    bool positioned = true;
  };
  void build_index() const;

  std::vector<Entry> documents_;
  std::vector<std::pair<YAML::Node, Validator::NodeOrigin>> made_;
  /// Holds every document and made node, so that they all share one yaml-cpp memory pool: otherwise each
  /// new node would copy a document's whole pool into its own the first time a document node is put in it.
  YAML::Node arena_{YAML::NodeType::Sequence};
  /// Every node of every document by its mark's position (built on first use: only errors need it).
  mutable std::unordered_map<int, std::vector<std::pair<YAML::Node, std::size_t>>> index_;
  mutable bool indexed_ = false;
};

/// Reads a text file of at most kMaxScenarioBytes; nullopt and `problem` ("no such file", ...) on failure.
[[nodiscard]] std::optional<std::string> read_text_file(const std::filesystem::path& file, std::string& problem);

/// Parses one YAML document; nullopt and a diagnostic in `display` (with line:column; a tab in the
/// indentation is named as such) when it is not valid YAML.
[[nodiscard]] std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& display,
                                                   std::vector<Diagnostic>& errors);

/// Why `key` cannot be an override key (syntax, or `extends`/`sweep`/`kind`); nullopt when it can.
[[nodiscard]] std::optional<std::string> override_key_problem(const std::string& key);

/// Compact YAML flow text of a node: `0.06`, `[0.05, 0.1]`, `{normal: [0.06, 0.01]}`; quoted strings stay quoted.
[[nodiscard]] std::string flow_text(const YAML::Node& node);

/// An override whose value may already be a node of a document (a batch file's `set`, `paths`, `seed`).
struct OverrideSpec {
  Override text;                    ///< key, value as text (for provenance and messages), origin
  std::optional<YAML::Node> value;  ///< the value node (located by SourceMap); else parsed from text.value
  std::optional<YAML::Node> at;     ///< where to report problems with the key; else the override's name
};

/// What to do to a scenario file besides reading it.
struct ComposeOptions {
  std::vector<OverrideSpec> overrides;  ///< applied in order, after the extends merge
  std::optional<YAML::Node> rename;     ///< a `name` value replacing the scenario's (a batch item's `name`)
  bool replace_sweep = false;           ///< use `sweep` below instead of the file's own
  YAML::Node sweep;                     ///< with replace_sweep: the sweep to expand (null: none)
  std::string sweep_path = "sweep";     ///< YAML path of `sweep` in messages
  bool allow_sweep = true;              ///< false: a sweep is an error (load_scenario_file / _text)
  std::vector<Document> documents;      ///< documents the nodes above belong to (the batch file)
};

/// One scenario, or one variant of a sweep.
struct ComposedVariant {
  std::string name;                  ///< scenario or variant name (also when invalid)
  std::optional<Scenario> scenario;  ///< nullopt when invalid
  std::vector<Diagnostic> errors;
};

/// A composed scenario file.
struct Composition {
  std::vector<Diagnostic> errors;         ///< problems before any variant exists (files, extends, overrides, sweep)
  std::vector<ComposedVariant> variants;  ///< one without a sweep; empty when `errors` is not
  std::size_t variant_count = 0;          ///< variants the sweep declares; 0 without a sweep
  std::string name;                       ///< the scenario's name as far as known (before variants)
};

/// Composes and validates the scenario file `file` (named `file.string()` in messages).
[[nodiscard]] Composition compose_file(const std::filesystem::path& file, const ComposeOptions& options);

/// Composes and validates scenario `text` named `display` (relative `extends` paths start at the directory
/// of `display`); `default_name` is its name without a `name` key.
[[nodiscard]] Composition compose_text(std::string_view text, const std::string& display,
                                       const std::string& default_name, const ComposeOptions& options);

/// The [A-Za-z0-9_][A-Za-z0-9_.-]* pattern of scenario and batch names.
[[nodiscard]] bool is_valid_scenario_name(const std::string& name);

}  // namespace districtcast::scenario_detail
