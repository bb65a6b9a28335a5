/// \file `districtcast report RUN_OR_BATCH [-o FILE]`: the HTML report of a run or batch directory.

#include "engine/cli.hpp"
#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/report_html.hpp"
#include "engine/run_reader.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace districtcast::cli {
namespace {
namespace fs = std::filesystem;
namespace po = boost::program_options;

constexpr const char* kUsage =
    "Usage: districtcast report RUN_OR_BATCH [-o FILE]\n\n"
    "Writes one self-contained HTML report (inline SVG charts, no script, no network access needed) of a run\n"
    "directory (from 'districtcast run') or a batch directory (from 'districtcast batch'): GDP fan charts per\n"
    "district with observed history and thresholds, first-crossing-year charts, firm stock and births, sector\n"
    "shares, key probabilities with Monte Carlo standard errors, club sizes and the manifest. A batch report\n"
    "starts with a summary table across its scenarios. It prints well (A4). See docs/reports.md.\n"
    "Prints the path of the written file on stdout.\n\n"
    "Examples:\n"
    "  districtcast report outputs/trillion_club/20261128T193015Z\n"
    "  districtcast report outputs/batches/sweep/20261128T193502Z -o /tmp/sweep.html\n\n"
    "Options";

/// The batch's name: batch.json's "name", else the directory's name ("sweep" for "outputs/sweep/").
std::string batch_name(const fs::path& dir) {
  std::ifstream in(dir / "batch.json");
  const auto json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_object() && json.contains("name") && json["name"].is_string() && !json["name"].get<std::string>().empty())
    return json["name"].get<std::string>();
  fs::path p = dir.lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  if (p.filename().empty() || p.filename() == "." || p.filename() == "..") {
    std::error_code ec;
    const fs::path absolute = fs::weakly_canonical(dir, ec);
    if (!ec && !absolute.filename().empty()) return absolute.filename().string();
  }
  return p.filename().string();
}

/// Reads the directory and renders its report; on failure returns "" and sets `problem`.
std::string render(const fs::path& dir, std::string& problem) {
  switch (classify_result_directory(dir)) {
    case ResultDirectoryKind::run: {
      const auto run = read_run(dir, problem);
      return run ? render_run_report(*run) : "";
    }
    case ResultDirectoryKind::batch: {
      const auto entries = read_batch_index(dir, problem);
      if (!entries) return "";
      std::vector<RunData> runs;
      std::vector<std::string> skipped;
      for (const auto& e : *entries) {
        if (e.status != "succeeded") {
          skipped.push_back(fmt::format("{}: {}{}", e.scenario, e.status, e.error.empty() ? "" : ": " + e.error));
          continue;
        }
        std::string why;
        auto run = read_run(e.directory, why);
        if (!run) {
          skipped.push_back(fmt::format("{}: unreadable: {}", e.scenario, why));
          continue;
        }
        runs.push_back(std::move(*run));
      }
      for (const auto& s : skipped) fmt::print(stderr, "districtcast report: not in the report: {}\n", s);
      if (runs.empty()) {
        problem = fmt::format("{}: the batch has no readable succeeded scenario", dir.string());
        return "";
      }
      return render_batch_report(batch_name(dir), runs, skipped);
    }
    case ResultDirectoryKind::neither: break;
  }
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    problem = fmt::format("{}: no such directory", dir.string());
  } else if (!fs::is_directory(dir, ec)) {
    problem = fmt::format("{}: not a directory (give a run or batch directory)", dir.string());
  } else {
    problem = fmt::format(
        "{}: not a run directory (no manifest.json and summary.json) or batch directory (no batch.json)",
        dir.string());
  }
  return "";
}

}  // namespace

int report_command(const Args& args) {
  std::string input, output;
  po::options_description visible(kUsage, 110, 60);
  visible.add_options()("help,h", "show this help")(
      "out,o", po::value(&output)->value_name("FILE"),
      "write the report to FILE (default: RUN_OR_BATCH/report.html); replaced atomically if it exists");
  po::options_description all;
  all.add(visible).add_options()("input", po::value(&input));
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::too_many_positional_options_error&) {
    return usage_error("report", "expects one RUN_OR_BATCH directory");
  } catch (const po::error& e) {
    return usage_error("report", e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << "\n" << kExitCodesHelp;
    return kSuccess;
  }
  if (input.empty()) return usage_error("report", "missing RUN_OR_BATCH (a run or batch directory)");
  if (vm.count("out") && output.empty()) return usage_error("report", "--out expects a file name");

  const fs::path dir(input);
  const fs::path file = output.empty() ? dir / "report.html" : fs::path(output);
  std::string problem;
  std::string html;
  try {
    html = render(dir, problem);
  } catch (const std::exception& e) {
    problem = fmt::format("{}: {}", dir.string(), e.what());
  }
  if (html.empty()) {
    fmt::print(stderr, "districtcast report: {}\n", problem.empty() ? "cannot read " + dir.string() : problem);
    return kRuntimeFailure;
  }
  try {
    write_report_file(file, html);
  } catch (const std::exception& e) {
    fmt::print(stderr, "districtcast report: {}\n", e.what());
    return kRuntimeFailure;
  }
  fmt::print("{}\n", file.string());
  return kSuccess;
}

}  // namespace districtcast::cli
