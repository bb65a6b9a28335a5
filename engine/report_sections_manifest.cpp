#include "engine/report_sections_manifest.hpp"

#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

namespace districtcast::report_detail {

using svg::escape;
using svg::format_number;

namespace {

/// A manifest value as HTML: strings as text, numbers as written, objects as "key: value" lines.
std::string json_value_html(const nlohmann::ordered_json& v) {
  if (v.is_string()) return escape(v.get<std::string>());
  if (v.is_object()) {
    std::string out;
    for (const auto& [key, item] : v.items()) {
      std::string value;
      if (item.is_string()) {
        value = escape(item.get<std::string>());
      } else if (item.is_array() && std::all_of(item.begin(), item.end(), [](const auto& e) { return e.is_string(); })) {
        for (const auto& e : item) value += (value.empty() ? "" : ", ") + escape(e.get<std::string>());
      } else {
        value = escape(item.dump());
      }
      out += fmt::format("<div><span class=\"key\">{}</span>: {}</div>", escape(key), value);
    }
    return out;
  }
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += "<div>" + (e.is_string() ? escape(e.get<std::string>()) : escape(e.dump())) + "</div>";
    return out;
  }
  return escape(v.dump());
}

/// One cell of the manifest table: the run's value of `key` formatted for reading, "—" when absent.
std::string manifest_value(const RunData& run, const std::string& key) {
  if (key == "directory") return "<code>" + escape(run.directory.string()) + "</code>";
  if (!run.manifest.is_object() || !run.manifest.contains(key)) return "\u2014";
  const auto& v = run.manifest[key];
  if (key == "paths" && v.is_number()) return escape(format_number(v.get<double>(), 0));
  if (key == "wall_seconds" && v.is_number()) return escape(format_number(v.get<double>(), 2) + " s");
  if (key == "peak_rss_bytes" && v.is_number()) {
    const double bytes = v.get<double>();
    return escape(fmt::format("{} MiB ({} bytes)", format_number(bytes / 1048576.0, 1), format_number(bytes, 0)));
  }
  if (key == "scenario_sha256" && v.is_string()) return "<code>" + escape(v.get<std::string>()) + "</code>";
  return json_value_html(v);
}

}  // namespace

std::string manifest_section(const std::vector<Member>& members) {
  static const std::vector<std::pair<std::string, std::string>> kKeys{
      {"engine_version", "engine version"}, {"scenario", "scenario"},
      {"scenario_file", "scenario file"},   {"scenario_sha256", "scenario SHA-256"},
      {"composition", "composition"},       {"seed", "seed"},
      {"paths", "paths"},                   {"threads", "threads"},
      {"block_size", "block size"},         {"simd_kernel", "SIMD kernel"},
      {"started_at", "started (UTC)"},      {"finished_at", "finished (UTC)"},
      {"wall_seconds", "wall time"},        {"peak_rss_bytes", "peak memory"},
      {"precision", "precision"},           {"directory", "run directory"}};
  std::set<std::string> known{"resolved_scenario", "files_sha256"};
  for (const auto& [key, label] : kKeys) known.insert(key);
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& [key, label] : kKeys) {
    bool present = key == "directory";
    for (const auto& m : members) present = present || (m.run->manifest.is_object() && m.run->manifest.contains(key));
    if (present) keys.emplace_back(key, label);
  }
  for (const auto& m : members) {  // anything newer engines add
    if (!m.run->manifest.is_object()) continue;
    for (const auto& [key, value] : m.run->manifest.items()) {
      if (known.insert(key).second) keys.emplace_back(key, key);
    }
  }
  std::string html = "<div class=\"table-wrap\"><table class=\"manifest\">\n<thead><tr><th>key</th>";
  for (const auto& m : members) html += "<th>" + escape(m.tag.empty() ? "value" : m.tag + ": " + m.run->scenario) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& [key, label] : keys) {
    html += "<tr><th scope=\"row\">" + escape(label) + "</th>";
    for (const auto& m : members) html += "<td>" + manifest_value(*m.run, key) + "</td>";
    html += "</tr>\n";
  }
  html += "</tbody>\n</table></div>\n";
  // File hashes.
  std::vector<std::string> files;
  for (const auto& m : members) {
    const auto& mf = m.run->manifest;
    if (!mf.is_object() || !mf.contains("files_sha256") || !mf["files_sha256"].is_object()) continue;
    for (const auto& [file, hash] : mf["files_sha256"].items()) {
      if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
    }
  }
  if (!files.empty()) {
    html += "<div class=\"table-wrap\"><table class=\"hashes\">\n<thead><tr><th>file</th>";
    for (const auto& m : members) html += "<th>" + escape(m.tag.empty() ? "SHA-256" : m.tag + " SHA-256") + "</th>";
    html += members.size() > 1 ? "<th>same</th>" : "";
    html += "</tr></thead>\n<tbody>\n";
    for (const auto& file : files) {
      html += "<tr><td><code>" + escape(file) + "</code></td>";
      std::set<std::string> distinct;
      for (const auto& m : members) {
        const auto& mf = m.run->manifest;
        const bool listed = mf.is_object() && mf.contains("files_sha256") && mf["files_sha256"].is_object() &&
                            mf["files_sha256"].contains(file) && mf["files_sha256"][file].is_string();
        const std::string hash = listed ? mf["files_sha256"][file].get<std::string>() : "";
        distinct.insert(hash);
        html += "<td><code class=\"hash\">" + (hash.empty() ? "\u2014" : escape(hash)) + "</code></td>";
      }
      if (members.size() > 1) html += distinct.size() == 1 ? "<td>yes</td>" : "<td>no</td>";
      html += "</tr>\n";
    }
    html += "</tbody>\n</table></div>\n";
  }
  return html;
}

}  // namespace districtcast::report_detail
