#include "engine/run_log.hpp"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <stdexcept>

namespace districtcast {
namespace {

bool needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || c == '\t' || c == '\n') return true;
  }
  return false;
}

std::string quote_value(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::unique_ptr<spdlog::formatter> line_formatter() {
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
}

spdlog::level::level_enum to_spdlog(RunLog::Level level) {
  switch (level) {
    case RunLog::Level::info: return spdlog::level::info;
    case RunLog::Level::warning: return spdlog::level::warn;
    case RunLog::Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

std::string format_log_event(std::string_view event, const std::vector<LogField>& fields) {
  std::string line(event);
  for (const auto& [key, value] : fields) {
    line += ' ';
    line += key;
    line += '=';
    line += needs_quotes(value) ? quote_value(value) : value;
  }
  return line;
}

struct RunLog::Impl {
  std::shared_ptr<spdlog::sinks::stderr_sink_mt> stderr_sink;
  std::shared_ptr<spdlog::sinks::basic_file_sink_mt> file_sink;
  spdlog::logger logger{"districtcast"};
};

RunLog::RunLog(bool to_stderr) : impl_(std::make_unique<Impl>()) {
  impl_->stderr_sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  impl_->stderr_sink->set_formatter(line_formatter());
  impl_->stderr_sink->set_level(to_stderr ? spdlog::level::info : spdlog::level::warn);
  impl_->logger.sinks().push_back(impl_->stderr_sink);
  impl_->logger.set_level(spdlog::level::info);
  impl_->logger.flush_on(spdlog::level::info);
}

RunLog::~RunLog() { close_file(); }

void RunLog::add_file(const std::filesystem::path& file) {
  try {
    impl_->file_sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string(), false);
  } catch (const spdlog::spdlog_ex& e) {
    throw std::runtime_error("cannot open the log file " + file.string() + ": " + e.what());
  }
  impl_->file_sink->set_formatter(line_formatter());
  impl_->file_sink->set_level(spdlog::level::info);
  impl_->logger.sinks().push_back(impl_->file_sink);
}

void RunLog::close_file() {
  if (!impl_ || !impl_->file_sink) return;
  impl_->file_sink->flush();
  auto& sinks = impl_->logger.sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), impl_->file_sink), sinks.end());
  impl_->file_sink.reset();
}

void RunLog::log(Level level, std::string_view event, const std::vector<LogField>& fields) {
  impl_->logger.log(to_spdlog(level), "{}", format_log_event(event, fields));
}

}  // namespace districtcast
