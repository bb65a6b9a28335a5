#pragma once
/// \file Assertions shared by the scenario-loader tests: the first diagnostic's YAML path, words and line:column.
/// Every scenario text starts right after `R"yaml(`, so its first key is on line 1.

#include "engine/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>

namespace districtcast::testing {

/// Loads `yaml` as file "test.yaml" with default name "test".
inline LoadResult load_text(std::string_view yaml) { return load_scenario_text(yaml, "test.yaml", "test"); }

inline std::string all_errors(const LoadResult& r) {
  std::ostringstream out;
  for (const auto& d : r.errors) out << "\n  " << d.to_string();
  return out.str();
}

/// The load failed with exactly `count` diagnostics (any number when 0), and the first one is at `path`, mentions every
/// word of `words`, and points at line:column.
inline ::testing::AssertionResult FirstErrorIs(const LoadResult& r, std::size_t count, const std::string& path,
                                        std::initializer_list<std::string_view> words, int line, int column) {
  if (r.ok() || r.scenario.has_value()) return ::testing::AssertionFailure() << "the scenario loaded";
  if (r.errors.size() != count && (count != 0 || r.errors.empty())) {
    return ::testing::AssertionFailure() << "expected " << count << " error(s), got " << r.errors.size() << ":"
                                         << all_errors(r);
  }
  const Diagnostic& d = r.errors.front();
  if (d.file != "test.yaml") return ::testing::AssertionFailure() << "file '" << d.file << "'";
  if (d.path != path) return ::testing::AssertionFailure() << "path '" << d.path << "', expected '" << path << "'" << all_errors(r);
  for (const auto word : words) {
    if (d.message.find(word) == std::string::npos) {
      return ::testing::AssertionFailure() << "message lacks \"" << word << "\":" << all_errors(r);
    }
  }
  if (d.line != line || d.column != column) {
    return ::testing::AssertionFailure() << "at line " << d.line << ", col " << d.column << ", expected line " << line
                                         << ", col " << column << all_errors(r);
  }
  return ::testing::AssertionSuccess();
}

}  // namespace districtcast::testing

/// The load fails with one diagnostic (EXPECT_ERRORS: `count`), the first at `path`, mentioning `words`, at line:col.
#define EXPECT_ERROR(yaml, path, words, line, column) EXPECT_TRUE(::districtcast::testing::FirstErrorIs(::districtcast::testing::load_text(yaml), 1, path, words, line, column))
#define EXPECT_ERRORS(count, yaml, path, words, line, column) \
  EXPECT_TRUE(::districtcast::testing::FirstErrorIs(::districtcast::testing::load_text(yaml), count, path, words, line, column))
#define WORDS(...) (std::initializer_list<std::string_view>{__VA_ARGS__})
