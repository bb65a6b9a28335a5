/// \file Cost of the run catalog per run (docs/performance.md): finish_run with a shipped scenario's
/// statistics, in one transaction, on a WAL database in the temp directory.
#include "engine/catalog.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

std::vector<districtcast::StatRecord> shipped_size_stats() {
  // trillion_club: 6 districts (+ sectors) x 5 metrics x 11 years x (3 moments + 7 quantiles), plus thresholds.
  std::vector<districtcast::StatRecord> stats;
  for (const char* district : {"pudong", "haidian", "nanshan", "chaoyang", "futian", "longgang"}) {
    for (const char* metric : {"gdp", "gdp_growth", "firm_births", "firm_exits", "firm_stock"}) {
      for (int year = 2025; year <= 2035; ++year) {
        for (const char* stat : {"mean", "sd", "mc_se", "p5", "p10", "p25", "p50", "p75", "p90", "p95"}) {
          stats.push_back({district, "", metric, year, stat, year * 1.5});
        }
      }
    }
  }
  return stats;
}

void BM_CatalogFinishRun(benchmark::State& state) {
  namespace fs = std::filesystem;
  const fs::path file = fs::temp_directory_path() / ("districtcast-bench-" + std::to_string(::getpid()) + ".sqlite");
  {
    auto catalog = districtcast::Catalog::open(file);
    const auto stats = shipped_size_stats();
    for (auto _ : state) {
      districtcast::RunRecord run;
      run.scenario = "trillion_club";
      run.started_at = "2026-11-29T02:00:00Z";
      run.id = catalog.begin_run(run);
      run.status = districtcast::RunStatus::succeeded;
      catalog.finish_run(run, stats);
    }
    state.counters["stats_per_run"] = static_cast<double>(stats.size());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}
BENCHMARK(BM_CatalogFinishRun)->Unit(benchmark::kMillisecond);

}  // namespace
