#pragma once
/// \file Lookup shared by the model registries (growth, births).

#include <algorithm>
#include <span>
#include <string_view>

namespace districtcast::models {

/// The entry of `entries` whose `name` equals `name`, or nullptr.
template <typename Entry>
[[nodiscard]] const Entry* find_entry(std::span<const Entry> entries, std::string_view name) {
  const auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.name == name; });
  return it == entries.end() ? nullptr : &*it;
}

}  // namespace districtcast::models
