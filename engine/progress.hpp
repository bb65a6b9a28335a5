#pragma once
/// \file A progress bar on stderr for long runs: paths done, rate and ETA.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace districtcast {

/// Draws "[#####.....]  45%  90,000/200,000 paths  1.2M paths/s  ETA 0:03" on one terminal line, at most
/// ten times a second. Does nothing when disabled (stderr not a terminal, or --quiet).
class ProgressBar {
public:
  ProgressBar(std::uint64_t total, bool enabled, std::FILE* out = stderr);
  /// Changes the total (convergence control adds rounds of paths).
  void set_total(std::uint64_t total) noexcept { total_ = total; }
  /// Records progress; redraws when due. Call from one thread at a time.
  void update(std::uint64_t done);
  /// Draws the final state and ends the line (if anything was drawn).
  void finish();

  /// The text of the bar for `done` of `total` after `elapsed` seconds (no control characters).
  [[nodiscard]] static std::string render(std::uint64_t done, std::uint64_t total, double elapsed_seconds);

private:
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::uint64_t done_ = 0;
};

/// 1234567 -> "1,234,567".
[[nodiscard]] std::string with_thousands(std::uint64_t n);
/// 1234567.0 -> "1.23M", 5432 -> "5.43k".
[[nodiscard]] std::string human_rate(double per_second);

}  // namespace districtcast
