#include "engine/compare_writers.hpp"

#include "engine/csv_field.hpp"
#include "engine/progress.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace districtcast {
namespace {

using Json = nlohmann::ordered_json;

// ------------------------------------------------------------------------------------------------- CSV

std::string shortest(std::optional<double> x) { return x ? fmt::format("{}", *x) : std::string(); }

// ------------------------------------------------------------------------------------------------ JSON

Json number_or_null(std::optional<double> x) { return x && std::isfinite(*x) ? Json(*x) : Json(nullptr); }

Json side_json(const RunSide& s) {
  return Json{{"directory", s.directory.string()}, {"scenario", s.scenario},
              {"seed", s.seed},                    {"paths", s.paths},
              {"engine_version", s.engine_version}, {"scenario_sha256", s.scenario_sha256}};
}

// ----------------------------------------------------------------------------------------------- table

/// Fixed notation with about `digits` significant digits (scientific for very large or small values).
std::string significant(std::optional<double> x, int digits = 6) {
  if (!x) return "";
  const double a = std::fabs(*x);
  if (a == 0.0) return "0";
  if (a >= 1e15 || a < 1e-4) return fmt::format("{:.{}g}", *x, digits);
  const int magnitude = static_cast<int>(std::floor(std::log10(a)));
  return fmt::format("{:.{}f}", *x, std::clamp(digits - 1 - magnitude, 0, 9));
}

std::string percent(std::optional<double> rel) { return rel ? fmt::format("{:+.2f}%", *rel * 100.0) : ""; }
std::string z_text(std::optional<double> z) { return z ? fmt::format("{:+.1f}", *z) : ""; }
std::string probability(std::optional<double> p) { return p ? fmt::format("{:.4f}", *p) : ""; }
std::string probability_change(std::optional<double> d) { return d ? fmt::format("{:+.4f}", *d) : ""; }

/// A table of text cells, columns padded to their widest cell (text left-aligned, numbers right-aligned),
/// separated by two spaces.
class TextTable {
public:
  struct Column {
    std::string header;
    bool left = false;
  };
  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}
  void add(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  [[nodiscard]] bool empty() const { return rows_.empty(); }

  [[nodiscard]] std::string render() const {
    std::vector<std::size_t> widths;
    for (const auto& c : columns_) widths.push_back(display_width(c.header));
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
        widths[i] = std::max(widths[i], display_width(row[i]));
      }
    }
    std::string out;
    const auto line = [&](const std::vector<std::string>& cells) {
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        const std::string& cell = i < cells.size() ? cells[i] : std::string();
        const std::string pad(widths[i] - display_width(cell), ' ');
        if (i > 0) out += "  ";
        out += columns_[i].left ? cell + pad : pad + cell;
      }
      out += '\n';
    };
    std::vector<std::string> header;
    for (const auto& c : columns_) header.push_back(c.header);
    line(header);
    for (const auto& row : rows_) line(row);
    return out;
  }

private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

/// (district, sector or threshold text, metric, year).
using GroupKey = std::tuple<std::string, std::string, std::string, int>;

/// The rows of each cell (district, sector, metric, year), or with `thresholds` of each threshold cell
/// (district, threshold, metric, year), in order of first appearance.
std::vector<std::pair<GroupKey, std::vector<const CompareRow*>>> group_rows(const std::vector<CompareRow>& rows,
                                                                           bool thresholds) {
  std::vector<std::pair<GroupKey, std::vector<const CompareRow*>>> groups;
  std::map<GroupKey, std::size_t> index;
  for (const auto& row : rows) {
    const bool is_threshold = row.stat.rfind("p_above:", 0) == 0 || row.stat.rfind("p_reached_by:", 0) == 0;
    if (is_threshold != thresholds) continue;
    const std::string second = thresholds ? row.stat.substr(row.stat.find(':') + 1) : row.sector;
    GroupKey key{row.district, second, std::string(to_string(row.metric)), row.year};
    const auto [it, inserted] = index.emplace(key, groups.size());
    if (inserted) groups.emplace_back(std::move(key), std::vector<const CompareRow*>{});
    groups[it->second].second.push_back(&row);
  }
  return groups;
}

const CompareRow* find_stat(const std::vector<const CompareRow*>& rows, const std::string& stat) {
  for (const CompareRow* r : rows) {
    if (r->stat == stat) return r;
  }
  return nullptr;
}

/// The quantile columns shown: the lowest, the median (p50, else the middle one) and the highest.
std::vector<std::string> shown_quantiles(const std::vector<std::string>& quantiles) {
  if (quantiles.empty()) return {};
  const auto p50 = std::find(quantiles.begin(), quantiles.end(), "p50");
  std::vector<std::string> shown{quantiles.front(), p50 != quantiles.end() ? *p50 : quantiles[quantiles.size() / 2],
                                 quantiles.back()};
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  return shown;
}

std::string side_line(const char* label, const RunSide& s) {
  return fmt::format("{}: {}  (scenario {}, seed {}, {} paths{})\n", label, s.directory.string(), s.scenario, s.seed,
                     with_thousands(s.paths), s.engine_version.empty() ? "" : ", engine " + s.engine_version);
}

std::string cell_table(const ComparedPair& pair) {
  const std::vector<std::string> quantiles = shown_quantiles(pair.quantiles);
  std::vector<TextTable::Column> columns{{"district", true}, {"sector", true}, {"metric", true}, {"year", false},
                                         {"mean A", false},  {"mean B", false}, {"Δ%", false},    {"z", false}};
  for (const auto& q : quantiles) columns.push_back({"Δ" + q + "%", false});
  columns.insert(columns.end(), {{"KS", false}, {"W1", false}, {"*", true}});
  TextTable table(columns);
  for (const auto& [key, rows] : group_rows(pair.rows, false)) {
    const auto& [district, sector, metric, year] = key;
    const CompareRow* mean = find_stat(rows, "mean");
    const CompareRow* ks = find_stat(rows, "ks");
    const CompareRow* w1 = find_stat(rows, "w1");
    std::vector<std::string> cells{district, sector, metric, std::to_string(year),
                                   significant(mean ? mean->a : std::nullopt), significant(mean ? mean->b : std::nullopt),
                                   percent(mean ? mean->rel_change : std::nullopt), z_text(mean ? mean->z : std::nullopt)};
    for (const auto& q : quantiles) {
      const CompareRow* r = find_stat(rows, q);
      cells.push_back(percent(r ? r->rel_change : std::nullopt));
    }
    const bool flagged = std::any_of(rows.begin(), rows.end(), [](const CompareRow* r) {
      return r->beyond_noise && r->stat != "ks" && r->stat != "w1";
    });
    cells.insert(cells.end(), {ks && ks->diff ? fmt::format("{:.3f}", *ks->diff) : "",
                               significant(w1 ? w1->diff : std::nullopt, 4), flagged ? "*" : " "});
    table.add(std::move(cells));
  }
  return table.empty() ? "" : table.render();
}

std::string threshold_table(const ComparedPair& pair) {
  TextTable table({{"district", true},
                   {"metric", true},
                   {"threshold", false},
                   {"year", false},
                   {"p_above A", false},
                   {"p_above B", false},
                   {"Δ", false},
                   {"z", false},
                   {"p_reached_by A", false},
                   {"p_reached_by B", false},
                   {"Δ", false},
                   {"z", false},
                   {"*", true}});
  for (const auto& [key, rows] : group_rows(pair.rows, true)) {
    const auto& [district, threshold, metric, year] = key;
    const CompareRow* above = find_stat(rows, "p_above:" + threshold);
    const CompareRow* reached = find_stat(rows, "p_reached_by:" + threshold);
    const auto cols = [](const CompareRow* r, std::vector<std::string>& cells) {
      cells.insert(cells.end(), {probability(r ? r->a : std::nullopt), probability(r ? r->b : std::nullopt),
                                 probability_change(r ? r->diff : std::nullopt), z_text(r ? r->z : std::nullopt)});
    };
    std::vector<std::string> cells{district, metric, threshold, std::to_string(year)};
    cols(above, cells);
    cols(reached, cells);
    const bool flagged = (above && above->beyond_noise) || (reached && reached->beyond_noise);
    cells.emplace_back(flagged ? "*" : " ");
    table.add(std::move(cells));
  }
  return table.empty() ? "" : table.render();
}

}  // namespace

std::optional<CompareFormat> compare_format_from_string(std::string_view name) {
  if (name == "table") return CompareFormat::table;
  if (name == "csv") return CompareFormat::csv;
  if (name == "json") return CompareFormat::json;
  return std::nullopt;
}

std::string_view compare_csv_header() {
  return "scenario,district,sector,metric,year,stat,a,b,diff,rel_change,z,beyond_noise";
}

std::string compare_csv(const Comparison& comparison) {
  std::string out(compare_csv_header());
  out += '\n';
  for (const auto& pair : comparison.pairs) {
    for (const auto& r : pair.rows) {
      out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(r.scenario), csv_field(r.district),
                         csv_field(r.sector), to_string(r.metric), r.year, csv_field(r.stat), shortest(r.a),
                         shortest(r.b), shortest(r.diff), shortest(r.rel_change), shortest(r.z),
                         r.beyond_noise ? "true" : "false");
    }
  }
  return out;
}

std::string compare_json(const Comparison& comparison) {
  Json doc;
  doc["kind"] = "districtcast-compare";
  doc["a"] = comparison.a.string();
  doc["b"] = comparison.b.string();
  doc["batches"] = comparison.batches;
  doc["noise_z"] = comparison.noise_z;
  Json pairs = Json::array();
  for (const auto& pair : comparison.pairs) {
    pairs.push_back(Json{{"scenario", pair.scenario}, {"a", side_json(pair.a)}, {"b", side_json(pair.b)},
                         {"quantiles", pair.quantiles}});
  }
  doc["pairs"] = std::move(pairs);
  doc["notes"] = comparison.notes;
  Json rows = Json::array();
  for (const auto& pair : comparison.pairs) {
    for (const auto& r : pair.rows) {
      rows.push_back(Json{{"scenario", r.scenario},
                          {"district", r.district},
                          {"sector", r.sector.empty() ? Json(nullptr) : Json(r.sector)},
                          {"metric", std::string(to_string(r.metric))},
                          {"year", r.year},
                          {"stat", r.stat},
                          {"a", number_or_null(r.a)},
                          {"b", number_or_null(r.b)},
                          {"diff", number_or_null(r.diff)},
                          {"rel_change", number_or_null(r.rel_change)},
                          {"z", number_or_null(r.z)},
                          {"beyond_noise", r.beyond_noise}});
    }
  }
  doc["rows"] = std::move(rows);
  return doc.dump(1) + "\n";
}

std::string compare_table(const Comparison& comparison) {
  std::string out;
  for (const auto& pair : comparison.pairs) {
    if (!out.empty()) out += '\n';
    out += fmt::format("== {} ==\n", pair.scenario);
    out += side_line("A", pair.a);
    out += side_line("B", pair.b);
    const std::string cells = cell_table(pair);
    const std::string thresholds = threshold_table(pair);
    if (cells.empty() && thresholds.empty()) {
      out += "\n(no rows)\n";
      continue;
    }
    if (!cells.empty()) out += "\n" + cells;
    if (!thresholds.empty()) out += "\nthreshold probabilities\n" + thresholds;
  }
  if (comparison.pairs.empty()) {
    out += fmt::format("A: {}\nB: {}\n\n(no scenario compared)\n", comparison.a.string(), comparison.b.string());
  } else {
    out += fmt::format("\n* beyond Monte Carlo noise: |z| > {} (cells: the mean or a quantile; thresholds: either "
                       "probability); Δ% = (B - A) / |A|\n",
                       comparison.noise_z);
  }
  return out;
}

std::string format_comparison(const Comparison& comparison, CompareFormat format) {
  switch (format) {
    case CompareFormat::csv: return compare_csv(comparison);
    case CompareFormat::json: return compare_json(comparison);
    case CompareFormat::table: return compare_table(comparison);
  }
  return "";
}

std::string describe_row(const CompareRow& row) {
  std::string out = fmt::format("{} {}{}{} {} {} {}:", row.scenario, row.district, row.sector.empty() ? "" : ".",
                                row.sector, to_string(row.metric), row.year, row.stat);
  const auto add = [&](const char* name, std::optional<double> x) {
    if (x) out += fmt::format(" {}={:.6g}", name, *x);
  };
  add("a", row.a);
  add("b", row.b);
  add("diff", row.diff);
  add("rel_change", row.rel_change);
  add("z", row.z);
  out += fmt::format(" beyond_noise={}", row.beyond_noise ? "true" : "false");
  return out;
}

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace districtcast
