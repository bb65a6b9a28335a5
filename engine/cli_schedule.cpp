/// \file `districtcast schedule BATCH.yaml`: prints or installs a systemd service + timer (or prints a crontab
/// line) running `districtcast batch BATCH.yaml --resume` daily at the batch file's `schedule.at`.

#include "engine/catalog.hpp"
#include "engine/cli.hpp"
#include "engine/cli_commands.hpp"
#include "engine/cli_common.hpp"
#include "engine/scenario_batch.hpp"
#include "engine/schedule_units.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace districtcast::cli {
namespace {
namespace fs = std::filesystem;
namespace po = boost::program_options;

constexpr const char* kUsage =
    "Usage: districtcast schedule BATCH.yaml [--at HH:MM] [--cron] [--install] [--unit-dir DIR] [--user]\n"
    "                             [--catalog PATH] [--threads N]\n\n"
    "Schedules a batch file (kind: batch) to run every day at its `schedule: {at: \"HH:MM\"}` (local time;\n"
    "--at overrides it) as `districtcast batch BATCH.yaml --resume --catalog CATALOG`, with absolute paths,\n"
    "from the current directory. The batch file and its scenarios are validated first.\n"
    "By default prints a systemd service unit and a timer unit (each after a `# NAME` line), named\n"
    "districtcast-<batch name>.service/.timer, and on stderr how to install and enable them. --install writes\n"
    "them into the unit directory instead (each atomically; an existing file with other content is replaced\n"
    "and said so) and prints their paths; it does not run systemctl. --cron prints a crontab line instead.\n"
    "See docs/operations.md.\n\n"
    "Examples:\n"
    "  districtcast schedule scenarios/batches/nightly.yaml --at 02:00\n"
    "  sudo districtcast schedule scenarios/batches/nightly.yaml --install\n"
    "  districtcast schedule scenarios/batches/nightly.yaml --user --install --threads 4\n"
    "  districtcast schedule scenarios/batches/nightly.yaml --cron\n\n"
    "Options";

struct ScheduleOptions {
  std::vector<std::string> files;
  std::string at, unit_dir, catalog, threads;
  bool cron = false, install = false, user = false;
};

/// "HH:MM" (as in the batch file's schedule.at) -> hour, minute; false when malformed or out of range.
bool parse_at(const std::string& text, int& hour, int& minute) {
  if (text.size() != 5 || text[2] != ':') return false;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  hour = (text[0] - '0') * 10 + (text[1] - '0');
  minute = (text[3] - '0') * 10 + (text[4] - '0');
  return hour <= 23 && minute <= 59;
}

/// An argument for a shell command shown to the user: as is when plain, else single-quoted.
std::string shell_word(const std::string& word) {
  bool plain = !word.empty();
  for (char c : word) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::strchr("/_.,:+=@%-", c) != nullptr;
    if (!ok) plain = false;
  }
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string home_directory() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') return home;
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) return pw->pw_dir;
  throw std::runtime_error("cannot find the home directory (HOME is not set): pass --unit-dir");
}

/// /etc/systemd/system, or the user unit directory with --user.
fs::path default_unit_directory(bool user) {
  if (!user) return "/etc/systemd/system";
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
    return fs::path(xdg) / "systemd" / "user";
  }
  return fs::path(home_directory()) / ".config" / "systemd" / "user";
}

bool valid_user_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

/// User= for a system unit: the user scheduling it (the one behind sudo when run as root); "" for root.
std::string system_unit_user() {
  if (::geteuid() == 0) {
    const char* sudo_user = std::getenv("SUDO_USER");
    if (sudo_user != nullptr && valid_user_name(sudo_user) && std::string(sudo_user) != "root") return sudo_user;
    return "";
  }
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr && pw->pw_name != nullptr && valid_user_name(pw->pw_name) ? pw->pw_name : "";
}

std::optional<std::string> read_existing(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Installs one unit file; returns "created", "unchanged" or "replaced".
std::string install_file(const fs::path& file, const std::string& text) {
  const auto existing = read_existing(file);
  if (existing && *existing == text) return "unchanged";
  if (auto problem = write_file_atomically(file, text, 0644); !problem.empty()) throw std::runtime_error(problem);
  return existing ? "replaced (its previous content differed)" : "created";
}

}  // namespace

int schedule_command(const Args& args) {
  ScheduleOptions o;
  po::options_description visible(kUsage, 110, 60);
  visible.add_options()("help,h", "show this help")(
      "at", po::value(&o.at)->value_name("HH:MM"),
      "run daily at HH:MM local time (24-hour clock), instead of the batch file's schedule.at")(
      "cron", po::bool_switch(&o.cron), "print a crontab line instead of systemd units")(
      "install", po::bool_switch(&o.install),
      "write the units into the unit directory (created if needed) and print their paths")(
      "unit-dir", po::value(&o.unit_dir)->value_name("DIR"),
      "unit directory (default /etc/systemd/system; with --user $XDG_CONFIG_HOME/systemd/user or "
      "~/.config/systemd/user)")(
      "user", po::bool_switch(&o.user),
      "a user unit (systemctl --user) instead of a system unit (which runs as the user scheduling it, the one "
      "behind sudo when run as root)")(
      "catalog", po::value(&o.catalog)->value_name("PATH"),
      "the run catalog the batch records into (default $DISTRICTCAST_CATALOG or outputs/catalog.sqlite; made "
      "absolute)")(
      "threads,j", po::value(&o.threads)->value_name("N"), "pass --threads N to the batch (default: all cores)");
  po::options_description all;
  all.add(visible).add_options()("file", po::value(&o.files));
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error("schedule", e.what());
  }
  if (vm.count("help")) {
    std::cout << visible << "\n" << kExitCodesHelp;
    return kSuccess;
  }
  if (o.files.empty()) return usage_error("schedule", "missing BATCH.yaml (a batch file, kind: batch)");
  if (o.files.size() > 1) return usage_error("schedule", "expects one batch file");
  if (o.install && o.cron) return usage_error("schedule", "--install writes systemd units; --cron only prints a crontab line: choose one");
  if (o.cron && (o.user || vm.count("unit-dir"))) {
    return usage_error("schedule", "--user and --unit-dir are for systemd units, not --cron");
  }
  if (vm.count("unit-dir") && o.unit_dir.empty()) return usage_error("schedule", "--unit-dir expects a directory");
  if (vm.count("catalog") && o.catalog.empty()) return usage_error("schedule", "--catalog expects a file name");
  int hour = 0, minute = 0;
  const bool at_flag = vm.count("at") > 0;
  if (at_flag && !parse_at(o.at, hour, minute)) {
    return usage_error("schedule", fmt::format("--at expects a time of day as HH:MM (00:00 to 23:59), got '{}'", o.at));
  }
  std::vector<std::string> extra;
  if (!o.threads.empty()) {
    std::uint64_t threads = 0;
    if (auto problem = parse_count("--threads", o.threads, 1, 1024, threads); !problem.empty()) {
      return usage_error("schedule", problem);
    }
    extra = {"--threads", std::to_string(threads)};
  }

  const std::string& file = o.files.front();
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return usage_error("schedule", fmt::format("{}: {}", file, fs::exists(file, ec) ? "not a file" : "no such file"));
  }
  if (!is_batch_file(file)) {
    return usage_error("schedule", fmt::format("{}: not a batch file (kind: batch); see docs/batches.md", file));
  }
  BatchPlan plan;
  try {
    plan = plan_batch({file}, {});
  } catch (const std::exception& e) {
    fmt::print(stderr, "districtcast schedule: {}: {}\n", file, e.what());
    return kUsageOrInvalidInput;
  }
  if (!plan.errors.empty()) {
    print_diagnostics(plan.errors);
    return kUsageOrInvalidInput;
  }
  std::size_t invalid = 0;
  for (const auto& job : plan.jobs) {
    if (job.scenario) continue;
    print_diagnostics(job.errors);
    ++invalid;
  }
  if (invalid > 0) {
    fmt::print(stderr, "districtcast schedule: {}: {} of {} scenarios are invalid; fix them before scheduling (nothing was written)\n",
               file, invalid, plan.jobs.size());
    return kUsageOrInvalidInput;
  }
  if (!at_flag) {
    if (!plan.schedule) {
      return usage_error("schedule", fmt::format("{} has no schedule: add `schedule: {{at: \"02:00\"}}` to it, or pass --at HH:MM", file));
    }
    hour = plan.schedule->hour;
    minute = plan.schedule->minute;
  }

  ScheduleTarget target;
  try {
    target.batch_name = plan.name;
    target.batch_file = fs::absolute(file).lexically_normal();
    target.executable = fs::read_symlink("/proc/self/exe");
    target.working_directory = fs::current_path();
    target.catalog = fs::absolute(batch_catalog_path(o.catalog, plan.catalog)).lexically_normal();
    target.hour = hour;
    target.minute = minute;
    target.extra_args = extra;
    if (!o.cron && !o.user) target.user = system_unit_user();
  } catch (const std::exception& e) {
    fmt::print(stderr, "districtcast schedule: {}\n", e.what());
    return kRuntimeFailure;
  }
  // A catalog that exists must be one this engine can record into, or every night would fail.
  if (std::error_code exists_error; fs::exists(target.catalog, exists_error)) {
    try {
      (void)Catalog::open_read_only(target.catalog);
    } catch (const CatalogError& e) {
      fmt::print(stderr, "districtcast schedule: {}; the scheduled batch could not record its runs there (choose "
                         "another --catalog)\n", e.what());
      return kUsageOrInvalidInput;
    }
  }
  const std::string unit = unit_name(target);
  const std::string at = fmt::format("{:02}:{:02}", hour, minute);
  const std::string systemctl = o.user ? "systemctl --user" : "systemctl";
  const std::string journal = o.user ? "journalctl --user-unit" : "journalctl -u";

  try {
    if (o.cron) {
      const std::string line = crontab_line(target);
      fmt::print("{}\n", line);
      fmt::print(stderr, "districtcast schedule: add it with `crontab -e` (runs daily at {}; log: {})\n", at,
                 (target.working_directory / "outputs" / (unit + ".cron.log")).string());
      if (!fs::is_directory(target.working_directory / "outputs", ec)) {
        fmt::print(stderr, "districtcast schedule: note: create {} first: the line appends its log there\n",
                   (target.working_directory / "outputs").string());
      }
      return kSuccess;
    }
    const std::string service = service_unit_text(target);
    const std::string timer = timer_unit_text(target);
    const fs::path dir = o.unit_dir.empty() ? default_unit_directory(o.user) : fs::absolute(o.unit_dir).lexically_normal();
    const std::string enable = fmt::format("{} daemon-reload && {} enable --now {}.timer", systemctl, systemctl, unit);
    const std::string follow_up = fmt::format("logs: {} {}.service; next run: {} list-timers {}.timer", journal, unit,
                                              systemctl, unit);
    if (!o.install) {
      fmt::print("# {}.service\n{}\n# {}.timer\n{}", unit, service, unit, timer);
      std::string command = shell_word(target.executable.string()) + " schedule " + shell_word(target.batch_file.string());
      if (at_flag) command += " --at " + at;
      if (o.user) command += " --user";
      if (!o.unit_dir.empty()) command += " --unit-dir " + shell_word(dir.string());
      command += " --catalog " + shell_word(target.catalog.string());
      if (!extra.empty()) command += " --threads " + extra[1];
      command += " --install";
      const bool sudo = !o.user && o.unit_dir.empty() && ::geteuid() != 0;
      fmt::print(stderr,
                 "districtcast schedule: daily at {} local time. To install, run\n"
                 "  {}{}\n"
                 "or save the units above as {} and {}; then run\n"
                 "  {}\n"
                 "{}\n",
                 at, sudo ? "sudo " : "", command, (dir / (unit + ".service")).string(),
                 (dir / (unit + ".timer")).string(), enable, follow_up);
      return kSuccess;
    }
    fs::create_directories(dir);
    const fs::path service_file = dir / (unit + ".service");
    const fs::path timer_file = dir / (unit + ".timer");
    const std::string service_status = install_file(service_file, service);
    fmt::print(stderr, "districtcast schedule: {}: {}\n", service_file.string(), service_status);
    const std::string timer_status = install_file(timer_file, timer);
    fmt::print(stderr, "districtcast schedule: {}: {}\n", timer_file.string(), timer_status);
    fmt::print("{}\n{}\n", service_file.string(), timer_file.string());
    fmt::print(stderr, "districtcast schedule: daily at {} local time. Next, run\n  {}\n{}\n", at, enable, follow_up);
    std::optional<fs::path> default_dir;
    try {
      default_dir = default_unit_directory(o.user);
    } catch (const std::exception&) {
    }
    if (!o.unit_dir.empty() && dir != default_dir) {
      fmt::print(stderr, "note: {} is not where systemd looks for units: `{} link` the two files first\n", dir.string(),
                 systemctl);
    }
    return kSuccess;
  } catch (const std::invalid_argument& e) {
    return usage_error("schedule", e.what());
  } catch (const fs::filesystem_error& e) {
    const bool denied = e.code() == std::errc::permission_denied || e.code() == std::errc::read_only_file_system;
    fmt::print(stderr, "districtcast schedule: {}{}\n", e.what(),
               denied && !o.user ? " (run as root, e.g. with sudo, or pass --user for a user unit)" : "");
    return kRuntimeFailure;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    const bool denied = what.find(std::strerror(EACCES)) != std::string::npos;
    fmt::print(stderr, "districtcast schedule: {}{}\n", what,
               denied && !o.user ? " (run as root, e.g. with sudo, or pass --user for a user unit)" : "");
    return kRuntimeFailure;
  }
}

}  // namespace districtcast::cli
