#include "engine/convergence.hpp"

#include <algorithm>
#include <cmath>

namespace districtcast {

WorstCell worst_relative_error(const Accumulator& totals, const std::vector<Metric>& metrics) {
  const ResultLayout& layout = totals.layout();
  WorstCell worst;
  for (std::size_t s = 0; s < layout.series().size(); ++s) {
    if (std::find(metrics.begin(), metrics.end(), layout.series()[s].metric) == metrics.end()) continue;
    for (std::size_t t = 1; t <= layout.horizon(); ++t) {
      const std::size_t cell = layout.cell(s, t);
      const RunningMoments& m = totals.moments(cell);
      const double se = totals.mean_standard_error(cell);
      double relative = 0.0;
      if (se > 0.0) relative = m.mean() != 0.0 ? se / std::abs(m.mean()) : std::numeric_limits<double>::infinity();
      if (relative > worst.relative_se) worst = WorstCell{relative, cell};
    }
  }
  return worst;
}

std::uint64_t next_round_total(std::uint64_t current, double relative_se, double target, std::uint64_t block_size,
                               std::uint64_t max_paths) {
  const double ratio = relative_se / target;
  const double wanted = std::isfinite(ratio) ? static_cast<double>(current) * ratio * ratio * 1.1
                                             : static_cast<double>(current) * 2.0;
  std::uint64_t next = current + block_size;
  if (wanted > static_cast<double>(next)) {
    next = wanted >= static_cast<double>(max_paths) ? max_paths : static_cast<std::uint64_t>(wanted);
  }
  next = (next + block_size - 1) / block_size * block_size;
  return std::min(next, max_paths);
}

RunOutcome run_to_precision(const Simulation& simulation, RunSettings settings, std::uint64_t first_round,
                            const PrecisionSpec& precision, PrecisionReport& report,
                            const std::function<void(std::uint64_t)>& on_round) {
  const std::uint64_t block = settings.block_size;
  std::uint64_t total = std::min((first_round + block - 1) / block * block, precision.max_paths);
  RunOutcome outcome{std::make_unique<Accumulator>(simulation.layout()), false};
  report = PrecisionReport{};
  report.target = precision.target;
  for (;;) {
    if (on_round) on_round(total);
    settings.first_path = outcome.totals->simulated_paths();
    settings.paths = total - settings.first_path;
    outcome = run_simulation(simulation, settings, std::move(outcome.totals));
    ++report.rounds;
    // Faulty paths fail the run (run_job reports them): no point in more rounds.
    if (outcome.cancelled || outcome.totals->faults().any()) break;
    const WorstCell worst = worst_relative_error(*outcome.totals, precision.metrics);
    report.achieved = worst.relative_se;
    report.reached = worst.relative_se <= precision.target;
    const ResultLayout& layout = simulation.layout();
    const SeriesKey& key = layout.series()[worst.cell / layout.horizon()];
    report.worst_district = simulation.scenario().districts[key.district].id;
    report.worst_metric = key.metric;
    report.worst_year = layout.base_year() + static_cast<int>(worst.cell % layout.horizon()) + 1;
    if (report.reached || total >= precision.max_paths) break;
    total = next_round_total(total, worst.relative_se, precision.target, block, precision.max_paths);
  }
  report.paths = outcome.totals->simulated_paths();
  return outcome;
}

}  // namespace districtcast
