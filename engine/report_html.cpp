#include "engine/report_html.hpp"

#include "engine/report_data.hpp"
#include "engine/report_document.hpp"
#include "engine/report_sections_batch.hpp"
#include "engine/report_text.hpp"
#include "engine/svg_chart.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace districtcast {
namespace {

using namespace report_detail;
using svg::escape;

std::vector<Member> alone(const RunData& run) { return {{&run, "", svg::kBlue, false}}; }

}  // namespace

std::string render_run_report(const RunData& run) {
  std::string body = heading(1, "", run.scenario + " \u2014 districtcast report");
  body += run_meta(run, "");
  body += run_sections(alone(run), "", 2);
  return document(run.scenario + " \u2014 districtcast report", body);
}

std::string render_comparison_report(const RunData& a, const RunData& b) {
  const std::string title = a.scenario + " vs " + b.scenario + " \u2014 districtcast comparison";
  std::string body = heading(1, "", title);
  body += run_meta(a, "A (blue, solid)");
  body += run_meta(b, "B (vermillion, dashed)");
  const std::vector<Member> members{{&a, "A", svg::kBlue, false}, {&b, "B", svg::kVermillion, true}};
  body += run_sections(members, "", 2);
  return document(title, body);
}

std::string render_batch_report(const std::string& batch_name, const std::vector<RunData>& runs,
                                const std::vector<std::string>& skipped,
                                const std::vector<HistorySeries>& history) {
  const std::string title = batch_name + " \u2014 districtcast batch report";
  std::string body = heading(1, "", title);
  body += fmt::format("<p class=\"meta\">{} scenario{} in this report.</p>\n", runs.size(), runs.size() == 1 ? "" : "s");
  if (!skipped.empty()) {
    body += "<div class=\"warning\"><p>Not in this report:</p><ul>";
    for (const auto& s : skipped) body += "<li>" + escape(s) + "</li>";
    body += "</ul></div>\n";
  }
  body += "<nav><ul><li><a href=\"#summary\">Summary across scenarios</a></li>";
  if (!history.empty()) body += "<li><a href=\"#history\">History</a></li>";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    body += fmt::format("<li><a href=\"#s{}\">{}</a></li>", i + 1, escape(runs[i].scenario));
  }
  body += "</ul></nav>\n";
  if (!runs.empty()) {
    body += "<section>\n" + heading(2, "summary", "Summary across scenarios") + batch_summary(runs) + "</section>\n";
  }
  if (!history.empty()) {
    body += "<section class=\"history\">\n" + heading(2, "history", "History") + history_section(history) +
            "</section>\n";
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string prefix = fmt::format("s{}-", i + 1);
    body += fmt::format("<section class=\"scenario-section\">\n{}", heading(2, fmt::format("s{}", i + 1), runs[i].scenario));
    body += run_meta(runs[i], "");
    body += run_sections(alone(runs[i]), prefix, 3);
    body += "</section>\n";
  }
  return document(title, body);
}

void write_report_file(const std::filesystem::path& file, const std::string& html) {
  namespace fs = std::filesystem;
  if (file.filename().empty()) throw std::runtime_error("cannot write report " + file.string() + ": not a file name");
  const fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const fs::path temp = parent / fmt::format(".{}.tmp-{}", file.filename().string(), ::getpid());
  auto fail = [&](const std::string& what) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw std::runtime_error("cannot write report " + file.string() + ": " + what);
  };
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (!out) fail(std::strerror(errno));
  const bool written = std::fwrite(html.data(), 1, html.size(), out) == html.size() && std::fflush(out) == 0 &&
                       ::fsync(::fileno(out)) == 0;
  const int write_errno = errno;
  if (std::fclose(out) != 0 || !written) fail(std::strerror(written ? errno : write_errno));
  std::error_code ec;
  if (fs::is_directory(file, ec)) fail("it is a directory");
  fs::rename(temp, file, ec);
  if (ec) fail(ec.message());
}

}  // namespace districtcast
