/// \file The output formats of compare: CSV text, JSON shape, terminal table alignment.

#include "engine/compare_writers.hpp"
#include "tests/test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace districtcast {
namespace {

namespace fs = std::filesystem;
using testing::source_path;

fs::path fixture(const std::string& name) { return source_path("tests/data/compare/" + name); }

Comparison hand_made(const std::string& a = "run_a", const std::string& b = "run_b") {
  CompareProblem problem;
  auto c = compare_directories(fixture(a), fixture(b), CompareOptions{}, problem);
  if (!c) throw std::runtime_error(problem.message);
  return std::move(*c);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CompareCsv, HeaderAndRowText) {
  const std::vector<std::string> lines = lines_of(compare_csv(hand_made()));
  ASSERT_EQ(lines.size(), 1u + 36u);
  EXPECT_EQ(lines[0], "scenario,district,sector,metric,year,stat,a,b,diff,rel_change,z,beyond_noise");
  EXPECT_EQ(lines[0], compare_csv_header());
  EXPECT_EQ(lines[1], "handmade,nanshan,,gdp,2025,mean,1000,1010,10,0.01,8.94427190999916,true");
  EXPECT_EQ(lines[5], "handmade,nanshan,,gdp,2025,ks,,,0.04500000000000004,,,false");
  EXPECT_EQ(lines[23], "handmade,nanshan,,firm_stock,2025,p_above:70000,0,0.002,0.002,,8.953229620716906,true");
  EXPECT_EQ(lines[25], "handmade,nanshan,it,gdp,2025,mean,500,501,1,0.002,,true");
  EXPECT_EQ(lines[36], "handmade,nanshan,it,gdp,2026,w1,,,0,0,,false");
  for (const auto& line : lines) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), 11) << line;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) {
      EXPECT_TRUE(field != "nan" && field != "-nan" && field != "inf" && field != "-inf") << line;
    }
  }
}

TEST(CompareCsv, QuotesFieldsWithCommas) {
  Comparison c;
  ComparedPair pair;
  CompareRow row;
  row.scenario = "club[a=1,b=\"x\"]";
  row.district = "nanshan";
  row.stat = "mean";
  row.a = 1.0;
  pair.rows.push_back(row);
  c.pairs.push_back(pair);
  EXPECT_EQ(lines_of(compare_csv(c))[1], "\"club[a=1,b=\"\"x\"\"]\",nanshan,,gdp,0,mean,1,,,,,false");
}

TEST(CompareJson, Shape) {
  const auto doc = nlohmann::json::parse(compare_json(hand_made()));
  EXPECT_EQ(doc["kind"], "districtcast-compare");
  EXPECT_EQ(doc["a"], fixture("run_a").string());
  EXPECT_EQ(doc["b"], fixture("run_b").string());
  EXPECT_EQ(doc["batches"], false);
  EXPECT_EQ(doc["noise_z"], 4.0);
  ASSERT_EQ(doc["pairs"].size(), 1u);
  const auto& pair = doc["pairs"][0];
  EXPECT_EQ(pair["scenario"], "handmade");
  EXPECT_EQ(pair["a"]["directory"], fixture("run_a").string());
  EXPECT_EQ(pair["a"]["seed"], 1);
  EXPECT_EQ(pair["b"]["paths"], 40000);
  EXPECT_EQ(pair["b"]["engine_version"], "0.2.0");
  EXPECT_EQ(pair["b"]["scenario_sha256"], std::string(64, 'b'));
  EXPECT_EQ(pair["quantiles"], nlohmann::json::array({"p5", "p50", "p95"}));
  EXPECT_EQ(doc["notes"].size(), 6u);
  EXPECT_EQ(doc["notes"][2], "different seeds (A 1, B 2): z assumes independent runs");
  ASSERT_EQ(doc["rows"].size(), 36u);
  const auto& first = doc["rows"][0];
  std::vector<std::string> keys;
  const auto ordered = nlohmann::ordered_json::parse(compare_json(hand_made()));
  for (const auto& item : ordered["rows"][0].items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"scenario", "district", "sector", "metric", "year", "stat", "a", "b", "diff",
                                            "rel_change", "z", "beyond_noise"}));
  EXPECT_TRUE(first["sector"].is_null());
  EXPECT_EQ(first["a"], 1000.0);
  EXPECT_EQ(first["diff"], 10.0);
  EXPECT_DOUBLE_EQ(first["z"].get<double>(), 10.0 / std::sqrt(1.25));
  EXPECT_EQ(first["beyond_noise"], true);
  const auto& firms = doc["rows"][22];
  EXPECT_EQ(firms["stat"], "p_above:70000");
  EXPECT_TRUE(firms["rel_change"].is_null());
  EXPECT_EQ(doc["rows"][24]["sector"], "it");
  EXPECT_TRUE(doc["rows"][24]["z"].is_null());
  EXPECT_TRUE(doc["rows"][4]["a"].is_null());  // ks
}

TEST(CompareTable, GoldenCellTable) {
  const std::string table = compare_table(hand_made());
  const std::string golden =
      "district  sector  metric      year   mean A   mean B      Δ%     z    Δp5%   Δp50%   Δp95%     KS     W1  *\n"
      "nanshan           gdp         2025  1000.00  1010.00  +1.00%  +8.9  +1.18%  +1.00%  +0.87%  0.045  10.00  *\n"
      "nanshan           gdp         2026  1100.00  1100.00  +0.00%  +0.0  +0.00%  +0.00%  +0.00%  0.000      0   \n"
      "nanshan           firm_stock  2025  60000.0  60020.0  +0.03%  +3.6  +0.00%  +0.03%  +0.00%  0.000      0   \n"
      "nanshan   it      gdp         2025  500.000  501.000  +0.20%        +0.20%  +0.20%  +0.20%  1.000  1.000  *\n"
      "nanshan   it      gdp         2026  520.000  520.000  +0.00%        +0.00%  +0.00%  +0.00%  0.000      0   \n";
  EXPECT_NE(table.find(golden), std::string::npos) << table;
  EXPECT_EQ(table.rfind("== handmade ==\nA: " + fixture("run_a").string() +
                            "  (scenario handmade, seed 1, 10,000 paths, engine 0.1.0)\nB: " + fixture("run_b").string() +
                            "  (scenario handmade, seed 2, 40,000 paths, engine 0.2.0)\n\n",
                        0),
            0u)
      << table;
  EXPECT_NE(table.find("threshold probabilities\n"
                       "district  metric      threshold  year  p_above A  p_above B        Δ     z  p_reached_by A  "
                       "p_reached_by B        Δ     z  *\n"
                       "nanshan   gdp              1000  2025     0.5000     0.5500  +0.0500  +9.0          0.6000  "
                       "        0.6200  +0.0200  +3.7  *\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("* beyond Monte Carlo noise: |z| > 4"), std::string::npos);
}

TEST(CompareTable, EveryLineOfATableHasTheSameWidth) {
  for (const auto& [a, b] : {std::pair{"run_a", "run_b"}, std::pair{"batch_a", "batch_b"}}) {
    const std::string table = compare_table(hand_made(a, b));
    std::size_t tables = 0;
    std::vector<std::string> block;
    const auto check = [&]() {
      if (!block.empty() && (block[0].rfind("district", 0) == 0)) {
        ++tables;
        for (const auto& line : block) EXPECT_EQ(display_width(line), display_width(block[0])) << line;
      }
      block.clear();
    };
    for (const auto& line : lines_of(table)) {
      if (line.empty() || line == "threshold probabilities") {
        check();
      } else {
        block.push_back(line);
      }
    }
    check();
    EXPECT_EQ(tables, 2u) << table;
  }
}

TEST(CompareTable, BatchSectionsAndEmptyTables) {
  const std::string batch = compare_table(hand_made("batch_a", "batch_b"));
  EXPECT_EQ(batch.rfind("== base ==\n", 0), 0u);
  Comparison c = hand_made();
  apply_filter(c, CompareFilter{{}, {}, {2031}});
  EXPECT_NE(compare_table(c).find("\n(no rows)\n"), std::string::npos);
  Comparison none;
  none.a = "x";
  none.b = "y";
  EXPECT_EQ(compare_table(none), "A: x\nB: y\n\n(no scenario compared)\n");
}

TEST(CompareWriters, DescribeRowFormatAndWidth) {
  const Comparison c = hand_made();
  EXPECT_EQ(describe_row(c.pairs[0].rows[0]),
            "handmade nanshan gdp 2025 mean: a=1000 b=1010 diff=10 rel_change=0.01 z=8.94427 beyond_noise=true");
  EXPECT_EQ(describe_row(c.pairs[0].rows[24]),
            "handmade nanshan.it gdp 2025 mean: a=500 b=501 diff=1 rel_change=0.002 beyond_noise=true");
  EXPECT_EQ(display_width("Δp50%"), 5u);
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(compare_format_from_string("csv"), CompareFormat::csv);
  EXPECT_EQ(compare_format_from_string("json"), CompareFormat::json);
  EXPECT_EQ(compare_format_from_string("table"), CompareFormat::table);
  EXPECT_FALSE(compare_format_from_string("html"));
  EXPECT_EQ(format_comparison(c, CompareFormat::csv), compare_csv(c));
}

}  // namespace
}  // namespace districtcast
