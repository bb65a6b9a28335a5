#pragma once
/// \file Quoting of one CSV field (RFC 4180), shared by every writer of free text into CSV.

#include <string>

namespace districtcast {

/// `text` as one CSV field: unchanged unless it holds a comma, double quote or line break; then wrapped
/// in double quotes with inner quotes doubled (sweep variant names such as "x[a=1,b=2]" need this).
[[nodiscard]] inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace districtcast
