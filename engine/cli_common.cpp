#include "engine/cli_common.hpp"

#include "engine/cli.hpp"
#include "engine/progress.hpp"
#include "engine/scenario_loader.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/random_stream.hpp"

#include <oneapi/tbb/info.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <tuple>

namespace districtcast::cli {

const char* const kExitCodesHelp =
    "Exit codes: 0 success, 1 runtime failure (batch: some scenario failed), 2 usage error or invalid\n"
    "            input (nothing written), 3 compare: a --fail-if rule matched / batch: an alert fired,\n"
    "            75 batch: another batch holds the lock of its output root (nothing done; try later),\n"
    "            130 interrupted (nothing published).\n"
    "Environment: DISTRICTCAST_SIMD=generic|avx2|avx512 forces a build of the normal-variate kernel\n"
    "            (default: the widest this CPU runs; results are identical for all).\n"
    "            DISTRICTCAST_CATALOG=PATH is the run catalog when --catalog is not given (default\n"
    "            outputs/catalog.sqlite).\n";

int usage_error(const std::string& command, const std::string& message) {
  fmt::print(stderr, "districtcast {}: {}\nTry 'districtcast {} --help'.\n", command, message, command);
  return kUsageOrInvalidInput;
}

std::string parse_count(const std::string& flag, const std::string& text, std::uint64_t low, std::uint64_t high,
                        std::uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  if (ec == std::errc::result_out_of_range) return fmt::format("{} must be in [{}, {}], got {}", flag, low, high, text);
  if (ec != std::errc() || ptr != end || text.empty()) {
    // Like the scenario file, accept exact whole numbers in floating form (1e5, 2.0e6).
    double value = 0.0;
    const auto [dptr, dec] = std::from_chars(text.data(), end, value);
    if (dec != std::errc() || dptr != end || text.empty() || !std::isfinite(value) || value != std::floor(value) ||
        value < 0 || value >= 18446744073709551616.0) {
      return fmt::format("{} expects a whole number, got '{}'", flag, text);
    }
    out = static_cast<std::uint64_t>(value);
  }
  if (out < low || out > high) return fmt::format("{} must be in [{}, {}], got {}", flag, low, high, text);
  return "";
}

void print_diagnostics(const std::vector<Diagnostic>& errors) {
  for (const auto& d : errors) fmt::print(stderr, "{}\n", d.to_string());
}

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }
}  // namespace

const std::atomic<bool>& interrupted() noexcept { return g_interrupted; }

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = static_cast<int>(SA_RESETHAND);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);
}

void add_run_flag_options(boost::program_options::options_description& options, RunFlagText& o,
                          const std::string& scope) {
  namespace po = boost::program_options;
  options.add_options()(
      "set", po::value(&o.set)->value_name("KEY=VALUE")->composing(),
      fmt::format("override a key of {}, typed and validated like the file, e.g. --set "
                  "districts.nanshan.growth.mean=0.06 (repeatable, applied in order; docs/scenario-format.md)",
                  scope)
          .c_str())(
      "paths,n", po::value(&o.paths)->value_name("N"), fmt::format("Monte Carlo paths of {}", scope).c_str())(
      "seed,s", po::value(&o.seed)->value_name("N"), fmt::format("random seed of {}, 0..2^64-1", scope).c_str())(
      "precision", po::value(&o.precision)->value_name("X"),
      "add rounds of paths until every gdp cell's mc_se/|mean| <= X (e.g. 0.002); see docs/cli.md")(
      "max-paths", po::value(&o.max_paths)->value_name("N"), "cap on paths with --precision (default 10,000,000)")(
      "threads,j", po::value(&o.threads)->value_name("N"),
      "worker threads, 1..1024 (default: all cores); results are identical for any N")(
      "max-time", po::value(&o.max_time)->value_name("DURATION"),
      "refuse to start a scenario estimated to take longer, e.g. 30m, 6h, 2d (default 24h; docs/cli.md)")(
      "max-memory", po::value(&o.max_memory)->value_name("SIZE"),
      "refuse to start a scenario estimated to need more memory, e.g. 512M, 8G (default half the RAM)")(
      "force", po::bool_switch(&o.force), "run even when the estimate is over --max-time or --max-memory")(
      "no-report", po::bool_switch(&o.no_report), "do not write report.html")(
      "catalog", po::value(&o.catalog)->value_name("PATH"),
      "run catalog (SQLite) to record in (default $DISTRICTCAST_CATALOG, else outputs/catalog.sqlite)")(
      "quiet,q", po::bool_switch(&o.quiet),
      "no progress bar and no summary lines on stderr (a batch still prints warnings, errors, and its final\n"
      "summary when a scenario failed or an alert fired)");
}

std::string parse_run_flags(const RunFlagText& o, RunFlags& flags) {
  std::uint64_t threads = static_cast<std::uint64_t>(tbb::info::default_concurrency());
  for (const auto& [flag, text, low, high, target] :
       {std::tuple{"--paths", &o.paths, std::uint64_t{1}, kMaxPaths, &flags.paths},
        std::tuple{"--seed", &o.seed, std::uint64_t{0}, ~std::uint64_t{0}, &flags.seed},
        std::tuple{"--max-paths", &o.max_paths, std::uint64_t{1}, kMaxPaths, &flags.max_paths}}) {
    if (text->empty()) continue;
    std::uint64_t value = 0;
    if (auto problem = parse_count(flag, *text, low, high, value); !problem.empty()) return problem;
    *target = value;
  }
  if (!o.threads.empty()) {
    if (auto problem = parse_count("--threads", o.threads, 1, 1024, threads); !problem.empty()) return problem;
  }
  flags.threads = static_cast<unsigned>(threads);
  if (!o.precision.empty()) {
    std::size_t used = 0;
    double target = 0.0;
    try {
      target = std::stod(o.precision, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != o.precision.size() || !(target > 0.0 && target < 1.0)) {
      return fmt::format("--precision expects a number in (0, 1), got '{}'", o.precision);
    }
    flags.precision = target;
  }
  if (!o.max_time.empty()) {
    const auto seconds = parse_duration(o.max_time);
    if (!seconds) return fmt::format("--max-time expects a duration such as 90s, 30m, 6h or 2d, got '{}'", o.max_time);
    flags.limits.max_seconds = *seconds;
  }
  if (!o.max_memory.empty()) {
    const auto bytes = parse_size(o.max_memory);
    if (!bytes) return fmt::format("--max-memory expects a size such as 512M or 8G, got '{}'", o.max_memory);
    flags.limits.max_memory_bytes = *bytes;
  }
  flags.force = o.force;
  return "";
}

std::string resource_refusal(const Scenario& scenario, const RunFlags& flags) {
  if (flags.force) return "";
  const std::string problem = limit_problem(estimate_resources(scenario, flags.threads), flags.limits);
  if (problem.empty()) return "";
  return fmt::format("{}: refused to start: {}. Use fewer --paths or --threads, raise --max-time/--max-memory, "
                     "or run anyway with --force",
                     scenario.name, problem);
}

std::string apply_run_flags(Scenario& scenario, const RunFlags& flags) {
  std::vector<std::string>& recorded = scenario.provenance.overrides;
  if (flags.paths) {
    scenario.paths = *flags.paths;
    recorded.push_back(fmt::format("paths={}", *flags.paths));
  }
  if (flags.seed) {
    scenario.seed = *flags.seed;
    recorded.push_back(fmt::format("seed={}", *flags.seed));
  }
  if (flags.precision) {
    if (!scenario.precision) scenario.precision = PrecisionSpec{};
    scenario.precision->target = *flags.precision;
    recorded.push_back(fmt::format("precision.target={}", *flags.precision));
  }
  if (flags.max_paths) {
    if (!scenario.precision) return "--max-paths only applies with --precision or a precision block";
    scenario.precision->max_paths = *flags.max_paths;
    recorded.push_back(fmt::format("precision.max_paths={}", *flags.max_paths));
  }
  if (scenario.antithetic && scenario.paths % 2 != 0) {
    return fmt::format("the scenario uses antithetic pairs, so --paths must be even (got {})", scenario.paths);
  }
  if (auto problem = path_years_problem(
          std::max(scenario.paths, scenario.precision ? scenario.precision->max_paths : 0), scenario.horizon)) {
    return *std::move(problem);
  }
  if (scenario.precision) {
    if (!flags.max_paths) scenario.precision->max_paths = std::max(scenario.precision->max_paths, scenario.paths);
    if (scenario.antithetic && scenario.precision->max_paths % 2 != 0) {
      return fmt::format("the scenario uses antithetic pairs, so --max-paths must be even (got {})",
                         scenario.precision->max_paths);
    }
    if (scenario.precision->max_paths < scenario.paths) {
      return fmt::format("--max-paths ({}) is below the first round's paths ({})", scenario.precision->max_paths,
                         scenario.paths);
    }
  }
  return "";
}

std::string parse_overrides(const std::vector<std::string>& texts, std::vector<Override>& overrides) {
  for (const auto& text : texts) {
    std::string problem;
    auto parsed = parse_override(text, problem);
    if (!parsed) return fmt::format("--set {}: {}", text, problem);
    overrides.push_back(std::move(*parsed));
  }
  return "";
}

namespace {
std::string errno_text(int error) { return std::strerror(error); }
}  // namespace

std::string write_file_atomically(const std::filesystem::path& file, const std::string& text, unsigned mode) {
  namespace fs = std::filesystem;
  const fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const fs::path temp = parent / fmt::format(".{}.{}.tmp", file.filename().string(), ::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, static_cast<mode_t>(mode));
  if (fd < 0) return fmt::format("cannot write {}: cannot create {}: {}", file.string(), temp.string(), errno_text(errno));
  const auto fail = [&](const std::string& what) {
    const int error = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return fmt::format("cannot write {}: cannot {} {}: {}", file.string(), what, temp.string(), errno_text(error));
  };
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return fail("set the mode of");
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("sync");
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return fmt::format("cannot write {}: {}", file.string(), errno_text(error));
  }
  if (::rename(temp.c_str(), file.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return fmt::format("cannot write {}: cannot rename {} into place: {}", file.string(), temp.string(), errno_text(error));
  }
  if (const int dir = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return "";
}

std::optional<int> parse_flag_options(const std::string& command, const std::vector<std::string>& args,
                                      const boost::program_options::options_description& visible,
                                      boost::program_options::variables_map& vm, const char* more_help) {
  namespace po = boost::program_options;
  std::vector<std::string> unexpected;
  po::options_description accepted = visible;
  accepted.add_options()("unexpected", po::value(&unexpected));
  po::positional_options_description positional;
  positional.add("unexpected", -1);
  try {
    po::store(po::command_line_parser(args).options(accepted).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(command, e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << more_help << "\n" << kExitCodesHelp;
    std::cout.flush();
    return kSuccess;
  }
  if (!unexpected.empty()) {
    return usage_error(command,
                       fmt::format("unexpected argument '{}' (every value follows its --option)", unexpected.front()));
  }
  return std::nullopt;
}

bool catalog_exists_or_explain(const std::string& command, const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) return true;
  fmt::print(stderr,
             "districtcast {}: no run catalog at {} yet: 'districtcast run' and 'districtcast batch' record runs "
             "there (or pass --catalog)\n",
             command, file.string());
  return false;
}

}  // namespace districtcast::cli
