#pragma once
/// \file The output formats of `districtcast compare`: an aligned terminal table, tidy CSV, and JSON
/// (docs/comparing.md#formats).

#include "engine/compare.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace districtcast {

/// Output format of a comparison.
enum class CompareFormat { table, csv, json };

/// "table", "csv" or "json" -> the format; nullopt otherwise.
[[nodiscard]] std::optional<CompareFormat> compare_format_from_string(std::string_view name);

/// The CSV header line (no newline): scenario,district,sector,metric,year,stat,a,b,diff,rel_change,z,beyond_noise.
[[nodiscard]] std::string_view compare_csv_header();

/// Tidy CSV: the header, then one line per row of every pair. Numbers in the shortest form that reads back
/// to the same double; undefined values are empty fields; beyond_noise is true/false; a field holding a
/// comma or quote is quoted (RFC 4180). Notes are not part of the CSV.
[[nodiscard]] std::string compare_csv(const Comparison& comparison);

/// One JSON document: kind "districtcast-compare", a, b, batches, noise_z, pairs (scenario, a and b with
/// directory, scenario, seed, paths, engine_version, scenario_sha256, and the compared quantiles), notes and
/// rows (the CSV columns; sector and undefined numbers null, beyond_noise a boolean).
[[nodiscard]] std::string compare_json(const Comparison& comparison);

/// The terminal table: per pair a title and A:/B: lines (directory, scenario, seed, paths, engine), a
/// table with one line per district/sector x metric x year (mean A, mean B, mean change in %, its z, the
/// change in % of the lowest, median and highest common quantile, KS, W1, and '*' when the mean or a
/// quantile is beyond noise) and a table of threshold probabilities (p_above and p_reached_by of A and B,
/// their difference and z, '*'). Every line of a table has the same display width.
[[nodiscard]] std::string compare_table(const Comparison& comparison);

/// The comparison in `format`.
[[nodiscard]] std::string format_comparison(const Comparison& comparison, CompareFormat format);

/// One row for messages: "trillion_club nanshan gdp 2030 p50: a=1322 b=1400 diff=78 rel_change=0.059 z=12.3
/// beyond_noise=true" (sector rows as district.sector; undefined values omitted; 6 significant digits).
[[nodiscard]] std::string describe_row(const CompareRow& row);

/// Display width of UTF-8 text (code points; the table uses only narrow characters such as Δ).
[[nodiscard]] std::size_t display_width(std::string_view text);

}  // namespace districtcast
