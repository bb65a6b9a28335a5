#include "engine/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace districtcast {

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string human_rate(double per_second) {
  if (per_second >= 1e9) return fmt::format("{:.2f}G", per_second / 1e9);
  if (per_second >= 1e6) return fmt::format("{:.2f}M", per_second / 1e6);
  if (per_second >= 1e3) return fmt::format("{:.2f}k", per_second / 1e3);
  return fmt::format("{:.0f}", per_second);
}

ProgressBar::ProgressBar(std::uint64_t total, bool enabled, std::FILE* out)
    : total_(total), enabled_(enabled), out_(out), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

std::string ProgressBar::render(std::uint64_t done, std::uint64_t total, double elapsed) {
  constexpr int kWidth = 30;
  const double fraction = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0;
  std::string eta = "--:--";
  if (rate > 0 && done < total) {
    const auto seconds = static_cast<long>(std::ceil(static_cast<double>(total - done) / rate));
    eta = fmt::format("{}:{:02}", seconds / 60, seconds % 60);
  } else if (done >= total) {
    eta = "0:00";
  }
  return fmt::format("[{}{}] {:5.1f}%  {}/{} paths  {} paths/s  ETA {}", std::string(static_cast<std::size_t>(filled), '#'),
                     std::string(static_cast<std::size_t>(kWidth - filled), '.'), fraction * 100.0,
                     with_thousands(done), with_thousands(total), human_rate(rate), eta);
}

void ProgressBar::update(std::uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  fmt::print(out_, "\r{}\x1b[K", render(done, total_, elapsed));
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(out_, "\r{}\x1b[K\n", render(done_, total_, elapsed));
  std::fflush(out_);
}

}  // namespace districtcast
