#include "engine/previous_comparison.hpp"

#include "engine/compare_writers.hpp"
#include "engine/output_file.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

namespace districtcast {

PreviousComparison compare_with_previous(const Catalog& catalog, const std::string& batch_name, std::int64_t batch_id,
                                         const std::vector<RunData>& tonight, const std::vector<std::string>& rules,
                                         double noise_z) {
  PreviousComparison result;
  result.comparison.batches = true;
  result.comparison.noise_z = noise_z;
  result.comparison.a = "previous successful run of each scenario";
  if (!tonight.empty()) result.comparison.b = tonight.front().directory.parent_path();
  const CompareOptions options{noise_z};
  for (const RunData& run : tonight) {
    const auto previous = catalog.previous_successful_run(run.scenario, batch_name, batch_id);
    if (!previous) {
      result.first_runs.push_back(run.scenario);
      result.comparison.notes.push_back(fmt::format("{}: no previous successful run to compare with", run.scenario));
      continue;
    }
    std::string problem;
    const auto before = read_run(previous->directory, problem);
    if (!before) {
      result.first_runs.push_back(run.scenario);
      result.warnings.push_back(fmt::format("{}: the previous run #{} cannot be read ({}); not compared", run.scenario,
                                            previous->id, problem));
      result.comparison.notes.push_back(result.warnings.back());
      continue;
    }
    ComparedPair pair = compare_runs(*before, run, run.scenario, options);
    for (const auto& note : pair.notes) result.comparison.notes.push_back(fmt::format("{}: {}", run.scenario, note));
    result.comparison.pairs.push_back(std::move(pair));
  }
  const std::vector<CompareRow> rows = all_rows(result.comparison);
  for (const std::string& text : rules) {
    std::string problem;
    const auto rule = parse_alert_rule(text, problem);
    if (!rule) {
      result.warnings.push_back(fmt::format("alert '{}': {}", text, problem));
      continue;
    }
    if (!rows.empty()) {
      if (auto why = check_rule_filters(*rule, rows); !why.empty()) {
        result.warnings.push_back(fmt::format("alert '{}': {}", text, why));
      }
    }
    FiredAlert fired{text, {}};
    for (std::size_t index : matching_rows(*rule, rows)) fired.rows.push_back(rows[index]);
    if (!fired.rows.empty()) result.alerts.push_back(std::move(fired));
  }
  return result;
}

void write_previous_comparison(const std::filesystem::path& dir, const PreviousComparison& result) {
  {
    OutputFile csv(dir / kPreviousComparisonCsv);
    csv.print("{}", compare_csv(result.comparison));
    csv.close();
  }
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(compare_json(result.comparison));
  doc["first_runs"] = result.first_runs;
  nlohmann::ordered_json alerts = nlohmann::ordered_json::array();
  for (const FiredAlert& alert : result.alerts) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const CompareRow& row : alert.rows) rows.push_back(describe_row(row));
    alerts.push_back({{"rule", alert.rule}, {"matches", alert.rows.size()}, {"rows", rows}});
  }
  doc["alerts"] = alerts;
  doc["warnings"] = result.warnings;
  OutputFile json(dir / kPreviousComparisonJson);
  json.print("{}\n", doc.dump(1));
  json.close();
}

}  // namespace districtcast
