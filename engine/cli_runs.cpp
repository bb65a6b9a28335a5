/// \file `districtcast runs`: recent runs (or batches) from the run catalog, newest first.

#include "engine/catalog.hpp"
#include "engine/cli.hpp"
#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/compare_writers.hpp"
#include "engine/csv_field.hpp"
#include "engine/diagnostic.hpp"
#include "engine/text_table.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace districtcast::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* kCommand = "runs";

/// The status to show: a row still `running` whose process is gone (SIGKILL, power cut) is shown as
/// `interrupted`, which the next `run` or `batch` records (this command only reads the catalog).
std::string_view shown_status(RunStatus status, const ProcessIdentity& process) {
  return status == RunStatus::running && !process.alive() ? to_string(RunStatus::interrupted) : to_string(status);
}

/// The rows `fetch(query)` gives whose *shown* status is `status` (so --status interrupted includes a dead
/// `running` row and --status running leaves it out), newest first, at most `limit` (0 = all).
template <class Record, class Query, class Fetch>
std::vector<Record> select_rows(Query query, std::optional<RunStatus> status, std::size_t limit, Fetch fetch) {
  query.status = status;
  query.limit = limit;
  if (!status || (*status != RunStatus::running && *status != RunStatus::interrupted)) return fetch(query);
  query.limit = 0;
  query.status = RunStatus::running;
  std::vector<Record> rows = fetch(query);
  query.status = RunStatus::interrupted;
  for (auto& r : fetch(query)) rows.push_back(std::move(r));
  std::erase_if(rows, [&](const Record& r) { return shown_status(r.status, r.process) != to_string(*status); });
  std::sort(rows.begin(), rows.end(), [](const Record& a, const Record& b) {
    return a.started_at != b.started_at ? a.started_at > b.started_at : a.id > b.id;
  });
  if (limit > 0 && rows.size() > limit) rows.resize(limit);
  return rows;
}
constexpr std::size_t kScenarioWidth = 36;
constexpr std::size_t kDirectoryWidth = 64;

constexpr const char* kUsage =
    "Usage: districtcast runs [options]\n\n"
    "Lists the runs recorded in the run catalog (every 'districtcast run' and every scenario of a\n"
    "'districtcast batch'), newest first: id, start time (UTC), scenario, status, paths, seed, wall-clock\n"
    "seconds, batch id and result directory. With --batches, lists batches instead: id, start time, name,\n"
    "status, scenarios succeeded/total, alerts fired, wall-clock seconds and batch directory. The catalog is\n"
    "only read: a catalog that does not exist yet is an error, not created. See docs/cli.md.\n\n"
    "Options";

constexpr const char* kMoreHelp =
    "\nExamples:\n"
    "  districtcast runs\n"
    "  districtcast runs --scenario trillion_club --status failed --limit 0\n"
    "  districtcast runs --batches --batch nightly\n"
    "  districtcast runs --format csv --catalog /srv/districtcast/outputs/catalog.sqlite > runs.csv\n\n"
    "runs exits with 2 when the catalog does not exist (or on a usage error), 1 when it cannot be read.\n";

struct RunsArgs {
  std::string catalog, scenario, batch, status, limit, format = "table";
  bool batches = false;
};

po::options_description visible_options(RunsArgs& o) {
  po::options_description d(kUsage, 110, 60);
  d.add_options()("help,h", "show this help")(
      "catalog", po::value(&o.catalog)->value_name("PATH"),
      "the run catalog (default: $DISTRICTCAST_CATALOG, else outputs/catalog.sqlite)")(
      "scenario", po::value(&o.scenario)->value_name("NAME"), "only runs of this scenario (or sweep variant)")(
      "batch", po::value(&o.batch)->value_name("NAME"), "only runs of batches with this name (with --batches: only "
                                                         "batches with this name)")(
      "status", po::value(&o.status)->value_name("STATUS"), "only runs (batches) with this status: running, "
                                                             "succeeded, failed or interrupted")(
      "batches", po::bool_switch(&o.batches), "list batches instead of runs")(
      "limit", po::value(&o.limit)->value_name("N"), "at most the newest N rows (default 20; 0 = all)")(
      "format,f", po::value(&o.format)->value_name("FMT"),
      "table (default; aligned, for reading), csv (one row per run, with a header) or json (an array of objects)");
  return d;
}

/// The first `width` - 1 code points and "…" when `text` is longer than `width`.
std::string shorten_tail(const std::string& text, std::size_t width) {
  if (display_width(text) <= width) return text;
  std::string out;
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0U) != 0x80U && ++n == width) break;
    out += static_cast<char>(c);
  }
  return out + "\u2026";
}

/// "…" and the last `width` - 1 code points when `text` is longer than `width` (paths: the end matters).
std::string shorten_head(const std::string& text, std::size_t width) {
  const std::size_t length = display_width(text);
  if (length <= width) return text;
  std::size_t skip = length - (width - 1);
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0U) != 0x80U) {
      if (skip == 0) break;
      --skip;
    }
  }
  return "\u2026" + text.substr(i);
}

/// Prints `rows` under `header` in aligned columns (text_table.hpp).
void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& right) {
  fmt::print("{}", aligned_table(header, rows, right));
}

/// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string wall_text(double seconds) { return fmt::format("{:.1f}", seconds); }

void print_runs(const std::vector<RunRecord>& runs, const std::string& format) {
  if (format == "csv") {
    fmt::print("id,started_at,finished_at,scenario,status,paths,seed,threads,wall_seconds,batch_id,engine_version,"
               "scenario_sha256,directory,error\n");
    for (const auto& r : runs) {
      fmt::print("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.id, csv_field(r.started_at), csv_field(r.finished_at),
                 csv_field(r.scenario), shown_status(r.status, r.process), r.paths, r.seed, r.threads, r.wall_seconds,
                 r.batch_id ? std::to_string(*r.batch_id) : "", csv_field(r.engine_version),
                 csv_field(r.scenario_sha256), csv_field(r.directory), csv_field(r.error));
    }
    return;
  }
  if (format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& r : runs) {
      nlohmann::ordered_json j;
      j["id"] = r.id;
      j["started_at"] = r.started_at;
      j["finished_at"] = r.finished_at.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.finished_at);
      j["scenario"] = r.scenario;
      j["status"] = std::string(shown_status(r.status, r.process));
      j["paths"] = r.paths;
      j["seed"] = r.seed;
      j["threads"] = r.threads;
      j["wall_seconds"] = r.wall_seconds;
      j["batch_id"] = r.batch_id ? nlohmann::ordered_json(*r.batch_id) : nlohmann::ordered_json(nullptr);
      j["engine_version"] = r.engine_version;
      j["scenario_sha256"] = r.scenario_sha256;
      j["directory"] = r.directory;
      j["error"] = r.error;
      out.push_back(std::move(j));
    }
    fmt::print("{}\n", out.dump(2));
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(runs.size());
  for (const auto& r : runs) {
    rows.push_back({std::to_string(r.id), r.started_at, shorten_tail(r.scenario, kScenarioWidth),
                    std::string(shown_status(r.status, r.process)), grouped(r.paths), std::to_string(r.seed), wall_text(r.wall_seconds),
                    r.batch_id ? std::to_string(*r.batch_id) : "-", shorten_head(r.directory, kDirectoryWidth)});
  }
  print_table({"id", "started_at", "scenario", "status", "paths", "seed", "wall_s", "batch", "directory"}, rows,
              {true, false, false, false, true, true, true, true, false});
}

void print_batches(const std::vector<BatchRecord>& batches, const std::string& format) {
  if (format == "csv") {
    fmt::print("id,started_at,finished_at,name,status,scenarios_succeeded,scenarios_total,alerts,wall_seconds,"
               "engine_version,directory,batch_file\n");
    for (const auto& b : batches) {
      fmt::print("{},{},{},{},{},{},{},{},{},{},{},{}\n", b.id, csv_field(b.started_at), csv_field(b.finished_at),
                 csv_field(b.name), shown_status(b.status, b.process), b.scenarios_succeeded, b.scenarios_total, b.alerts,
                 b.wall_seconds, csv_field(b.engine_version), csv_field(b.directory), csv_field(b.batch_file));
    }
    return;
  }
  if (format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& b : batches) {
      nlohmann::ordered_json j;
      j["id"] = b.id;
      j["started_at"] = b.started_at;
      j["finished_at"] = b.finished_at.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(b.finished_at);
      j["name"] = b.name;
      j["status"] = std::string(shown_status(b.status, b.process));
      j["scenarios_succeeded"] = b.scenarios_succeeded;
      j["scenarios_total"] = b.scenarios_total;
      j["alerts"] = b.alerts;
      j["wall_seconds"] = b.wall_seconds;
      j["engine_version"] = b.engine_version;
      j["directory"] = b.directory;
      j["batch_file"] = b.batch_file;
      out.push_back(std::move(j));
    }
    fmt::print("{}\n", out.dump(2));
    return;
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(batches.size());
  for (const auto& b : batches) {
    rows.push_back({std::to_string(b.id), b.started_at, shorten_tail(b.name, kScenarioWidth),
                    std::string(shown_status(b.status, b.process)), fmt::format("{}/{}", b.scenarios_succeeded, b.scenarios_total),
                    std::to_string(b.alerts), wall_text(b.wall_seconds), shorten_head(b.directory, kDirectoryWidth)});
  }
  print_table({"id", "started_at", "name", "status", "scenarios", "alerts", "wall_s", "directory"}, rows,
              {true, false, false, false, true, true, true, false});
}

/// " (did you mean 'x'?)" for a filter value that matched nothing, when a close name exists.
std::string suggestion(const std::string& value, const std::set<std::string>& names) {
  const std::string best = closest_match(value, std::vector<std::string>(names.begin(), names.end()));
  return best.empty() ? "" : fmt::format("; did you mean '{}'?", best);
}

/// What the filters were, for the "nothing matches" line: " with scenario 'x', status failed".
std::string filter_text(const RunsArgs& o) {
  std::vector<std::string> parts;
  if (!o.scenario.empty()) parts.push_back(fmt::format("scenario '{}'", o.scenario));
  if (!o.batch.empty()) parts.push_back(fmt::format("batch '{}'", o.batch));
  if (!o.status.empty()) parts.push_back(fmt::format("status {}", o.status));
  if (parts.empty()) return "";
  std::string out = " with ";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? ", " : "") + parts[i];
  return out;
}

}  // namespace

int runs_command(const Args& args) {
  RunsArgs o;
  po::options_description visible = visible_options(o);
  po::variables_map vm;
  if (auto exit_code = parse_flag_options(kCommand, args, visible, vm, kMoreHelp)) return *exit_code;
  if (o.format != "table" && o.format != "csv" && o.format != "json") {
    return usage_error(kCommand, fmt::format("--format must be table, csv or json (got '{}')", o.format));
  }
  if (vm.count("catalog") && o.catalog.empty()) return usage_error(kCommand, "--catalog needs a file name");
  std::optional<RunStatus> status;
  if (vm.count("status")) {
    status = run_status_from_string(o.status);
    if (!status) {
      const std::string best = closest_match(o.status, {"running", "succeeded", "failed", "interrupted"});
      return usage_error(kCommand, fmt::format("--status must be running, succeeded, failed or interrupted (got '{}'){}",
                                               o.status, best.empty() ? "" : fmt::format("; did you mean '{}'?", best)));
    }
  }
  std::uint64_t limit = 20;
  if (vm.count("limit")) {
    if (auto p = parse_count("--limit", o.limit, 0, 1'000'000'000, limit); !p.empty()) return usage_error(kCommand, p);
  }
  if (o.batches && vm.count("scenario")) {
    return usage_error(kCommand, "--scenario selects runs; with --batches use --batch NAME");
  }

  const fs::path file = catalog_path(o.catalog);
  if (!catalog_exists_or_explain(kCommand, file)) return kUsageOrInvalidInput;
  try {
    Catalog catalog = Catalog::open_read_only(file);
    if (o.batches) {
      BatchQuery query;
      query.name = o.batch;
      const auto batches = select_rows<BatchRecord>(query, status, static_cast<std::size_t>(limit),
                                                    [&](const BatchQuery& q) { return catalog.batches(q); });
      if (batches.empty()) {
        std::string hint;
        if (!o.batch.empty()) {
          BatchQuery all;
          all.limit = 0;
          std::set<std::string> names;
          for (const auto& b : catalog.batches(all)) names.insert(b.name);
          hint = suggestion(o.batch, names);
        }
        fmt::print(o.format == "table" ? stdout : stderr, "no batches{} in {}{}\n", filter_text(o), file.string(), hint);
        if (o.format != "table") print_batches(batches, o.format);
        return kSuccess;
      }
      print_batches(batches, o.format);
      return kSuccess;
    }
    RunQuery query;
    query.scenario = o.scenario;
    query.batch_name = o.batch;
    const auto runs = select_rows<RunRecord>(query, status, static_cast<std::size_t>(limit),
                                             [&](const RunQuery& q) { return catalog.runs(q); });
    if (runs.empty()) {
      std::string hint;
      if (!o.scenario.empty() || !o.batch.empty()) {
        RunQuery all;
        all.limit = 0;
        std::set<std::string> scenarios;
        for (const auto& r : catalog.runs(all)) scenarios.insert(r.scenario);
        if (!o.scenario.empty() && !scenarios.count(o.scenario)) hint = suggestion(o.scenario, scenarios);
        if (hint.empty() && !o.batch.empty()) {
          BatchQuery batches;
          batches.limit = 0;
          std::set<std::string> names;
          for (const auto& b : catalog.batches(batches)) names.insert(b.name);
          if (!names.count(o.batch)) hint = suggestion(o.batch, names);
        }
      }
      fmt::print(o.format == "table" ? stdout : stderr, "no runs{} in {}{}\n", filter_text(o), file.string(), hint);
      if (o.format != "table") print_runs(runs, o.format);
      return kSuccess;
    }
    print_runs(runs, o.format);
    return kSuccess;
  } catch (const std::exception& e) {
    fmt::print(stderr, "districtcast {}: {}\n", kCommand, e.what());
    return kRuntimeFailure;
  }
}

}  // namespace districtcast::cli
