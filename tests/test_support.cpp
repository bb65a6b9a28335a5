#include "tests/test_support.hpp"

#include "engine/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace districtcast::testing {

Scenario load_valid_scenario(std::string_view yaml) {
  LoadResult r = load_scenario_text(yaml, "test.yaml", "test");
  if (!r.ok()) {
    for (const auto& e : r.errors) ADD_FAILURE() << e.to_string();
    throw std::runtime_error("scenario did not load");
  }
  return std::move(*r.scenario);
}
namespace fs = std::filesystem;

std::string tiny_scenario(const std::string& name, double mean, const std::string& extra) {
  return "name: " + name + "\nbase_year: 2024\nhorizon: 3\npaths: 2000\nseed: 11\n" +
         "thresholds:\n  - {metric: gdp, value: 110}\n" +
         "districts:\n  - id: a\n    gdp: 100\n    growth: {mean: " + std::to_string(mean) +
         ", volatility: 0.02}\n    firms: {stock: 1000, births: {rate: 100}, exit_hazard: [0.1]}\n  - id: b\n"
         "    gdp: 80\n    growth: {mean: 0.03, volatility: 0.01}\n" + extra;
}

ScratchMount ScratchMount::tmpfs(const fs::path& directory, std::size_t bytes) {
  ScratchMount m;
  m.directory_ = directory;
  fs::create_directories(directory);
  if (::geteuid() != 0) {
    m.why_not_ = "mounting a small tmpfs needs root";
  } else if (::mount("tmpfs", directory.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                     ("size=" + std::to_string(bytes)).c_str()) != 0) {
    m.why_not_ = std::string("mount tmpfs: ") + std::strerror(errno);
  } else {
    m.mounted_ = true;
  }
  return m;
}

ScratchMount ScratchMount::read_only(const fs::path& directory) {
  ScratchMount m;
  m.directory_ = directory;
  fs::create_directories(directory);
  if (::geteuid() != 0) {
    m.why_not_ = "a read-only bind mount needs root";
  } else if (::mount(directory.c_str(), directory.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    m.why_not_ = std::string("bind mount: ") + std::strerror(errno);
  } else if (::mount(nullptr, directory.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
    m.why_not_ = std::string("remount read-only: ") + std::strerror(errno);
    ::umount2(directory.c_str(), MNT_DETACH);
  } else {
    m.mounted_ = true;
  }
  return m;
}

ScratchMount ScratchMount::unwritable(const fs::path& directory) {
  if (::geteuid() == 0) return read_only(directory);
  ScratchMount m;
  m.directory_ = directory;
  fs::create_directories(directory);
  const fs::perms before = fs::status(directory).permissions();
  fs::permissions(directory, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                  fs::perm_options::remove);
  m.restore_permissions_ = before;
  return m;
}

ScratchMount::ScratchMount(ScratchMount&& other) noexcept
    : directory_(std::move(other.directory_)),
      mounted_(other.mounted_),
      restore_permissions_(other.restore_permissions_),
      why_not_(std::move(other.why_not_)) {
  other.mounted_ = false;
  other.restore_permissions_.reset();
}

ScratchMount::~ScratchMount() {
  if (mounted_) ::umount2(directory_.c_str(), MNT_DETACH);
  if (restore_permissions_) {
    std::error_code ec;
    fs::permissions(directory_, *restore_permissions_, ec);
  }
}

TempDir::TempDir() {
  std::random_device device;
  for (int attempt = 0; attempt < 100; ++attempt) {
    path_ = fs::temp_directory_path() / ("districtcast-test-" + std::to_string(device()));
    if (fs::create_directory(path_)) return;
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

fs::path TempDir::write(const std::string& name, const std::string& text) const {
  const fs::path file = path_ / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

namespace {

/// Where a command a test starts without --catalog and without DISTRICTCAST_CATALOG set records its runs:
/// one catalog per test (not per process: tests sharing a process, as in the sharded sanitizer runs of
/// scripts/test, never see each other's runs), in the temp directory rather than outputs/ under the test's
/// working directory; every file is removed at exit.
class DefaultTestCatalogs {
public:
  DefaultTestCatalogs() = default;
  DefaultTestCatalogs(const DefaultTestCatalogs&) = delete;
  DefaultTestCatalogs& operator=(const DefaultTestCatalogs&) = delete;
  ~DefaultTestCatalogs() {
    std::error_code ec;
    for (const auto& [name, file] : files_) {
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix, ec);
    }
  }
  /// The catalog of the running test (named after it; "outside-tests" outside one).
  fs::path for_current_test() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info == nullptr ? "outside-tests" : std::string(info->test_suite_name()) + "." + info->name();
    for (char& c : name) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '.' && c != '-') c = '_';
    }
    const std::lock_guard lock(mutex_);
    const auto [it, added] = files_.try_emplace(
        name, fs::temp_directory_path() / ("districtcast-test-catalog-" + std::to_string(::getpid()) + "-" + name +
                                           ".sqlite"));
    return it->second;
  }

private:
  std::mutex mutex_;
  std::map<std::string, fs::path> files_;
};

/// The catalog run_cli() and spawn_cli() give a command (see DefaultTestCatalogs).
fs::path default_test_catalog() {
  static DefaultTestCatalogs catalogs;
  return catalogs.for_current_test();
}

/// In a forked child before exec: points DISTRICTCAST_CATALOG at `catalog` unless the test set it.
void export_catalog_unless_set(const fs::path& catalog) {
  if (std::getenv("DISTRICTCAST_CATALOG") == nullptr) ::setenv("DISTRICTCAST_CATALOG", catalog.c_str(), 1);
}

std::string drain(int fd) {
  std::string text;
  std::array<char, 65536> buffer{};
  ssize_t n = 0;
  while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) text.append(buffer.data(), static_cast<std::size_t>(n));
  return text;
}
}  // namespace

CommandResult run_cli(const std::vector<std::string>& args, const fs::path& cwd) {
  CliGuard guard;
  guard.cwd = cwd;
  guard.timeout = std::chrono::hours(1);
  return run_cli_guarded(args, guard);
}

CommandResult run_cli_guarded(const std::vector<std::string>& args, const CliGuard& guard) {
  const fs::path out_file = fs::temp_directory_path() / ("districtcast-out-" + std::to_string(::getpid()) + "-" +
                                                         std::to_string(std::random_device{}()));
  const fs::path err_file = fs::path(out_file.string() + ".err");
  const fs::path catalog = default_test_catalog();
  const pid_t child = ::fork();
  if (child == 0) {
    if (!guard.cwd.empty() && ::chdir(guard.cwd.c_str()) != 0) ::_exit(127);
    export_catalog_unless_set(catalog);
    if (guard.without_file_permission_override && ::geteuid() == 0) {
      // Root keeps the capabilities of its bounding set across exec: dropping these two there makes the
      // command subject to file permissions like any user.
      if (::prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0 ||
          ::prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) != 0) {
        ::_exit(126);
      }
    }
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<std::string> storage{executable_path().string()};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  CommandResult result;
  int status = 0;
  struct rusage usage {};
  const auto deadline = std::chrono::steady_clock::now() + guard.timeout;
  while (::wait4(child, &status, WNOHANG, &usage) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(child, SIGKILL);
      ::wait4(child, &status, 0, &usage);
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.max_rss_kib = usage.ru_maxrss;
  const int out_fd = ::open(out_file.c_str(), O_RDONLY);
  const int err_fd = ::open(err_file.c_str(), O_RDONLY);
  result.out = drain(out_fd);
  result.err = drain(err_fd);
  ::close(out_fd);
  ::close(err_fd);
  fs::remove(out_file);
  fs::remove(err_file);
  return result;
}

pid_t spawn_cli(const std::vector<std::string>& args, const fs::path& cwd) {
  const fs::path catalog = default_test_catalog();
  const pid_t child = ::fork();
  if (child == 0) {
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    export_catalog_unless_set(catalog);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<std::string> storage{executable_path().string()};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return child;
}

int wait_exit_code(pid_t child) {
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

nlohmann::json read_json(const fs::path& file) { return nlohmann::json::parse(read_file(file)); }

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  const auto pos = trimmed.rfind('\n');
  return pos == std::string::npos ? trimmed : trimmed.substr(pos + 1);
}

std::uint64_t proc_start_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int index = 3; fields >> field; ++index) {
    if (index == 22) return std::stoull(field);
  }
  return 0;
}

ProcessIdentity reaped_child_identity(const std::function<void(const ProcessIdentity&)>& while_alive) {
  int pipe_ends[2];
  if (::pipe(pipe_ends) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    ::close(pipe_ends[1]);
    char byte = 0;
    [[maybe_unused]] const auto ignored = ::read(pipe_ends[0], &byte, 1);  // until the parent closes its end
    ::_exit(0);
  }
  ::close(pipe_ends[0]);
  ProcessIdentity identity = ProcessIdentity::current();
  identity.pid = child;
  identity.start_ticks = proc_start_ticks(child);
  if (while_alive) while_alive(identity);
  ::close(pipe_ends[1]);
  ::waitpid(child, nullptr, 0);
  return identity;
}

std::size_t Csv::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  throw std::runtime_error("no column " + name);
}

namespace {
std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}
}  // namespace

Csv read_csv(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  Csv csv;
  std::string line;
  if (std::getline(in, line)) csv.header = split(line);
  while (std::getline(in, line)) csv.rows.push_back(split(line));
  return csv;
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

SampleMoments::SampleMoments(const std::vector<double>& x) : n(static_cast<double>(x.size())) {
  for (const double v : x) mean += v;
  mean /= n;
  for (const double v : x) {
    const double d2 = (v - mean) * (v - mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
}

double SampleMoments::mean_se() const { return std::sqrt(m2 / n); }
double SampleMoments::variance_se() const { return std::sqrt((m4 - m2 * m2) / n); }

fs::path source_path(const std::string& relative) { return fs::path(DISTRICTCAST_SOURCE_DIR) / relative; }

fs::path executable_path() { return fs::path(DISTRICTCAST_EXE); }

}  // namespace districtcast::testing
