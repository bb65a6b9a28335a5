/// \file End-to-end tests of `districtcast schedule`: printed units, the crontab line, --install (atomic files,
/// unchanged/replaced), the batch file's `schedule.at` and --at, and usage errors.

#include "tests/test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace districtcast {
namespace {
namespace fs = std::filesystem;
using testing::read_file;
using testing::run_cli;
using testing::TempDir;
using testing::tiny_scenario;

/// Writes alpha.yaml and a batch file `nightly.yaml` (name: nightly) with `extra` top-level keys into `tmp`.
fs::path write_batch(const TempDir& tmp, const std::string& extra = "") {
  tmp.write("alpha.yaml", tiny_scenario("alpha"));
  return tmp.write("nightly.yaml", "kind: batch\nname: nightly\n" + extra + "scenarios:\n  - alpha.yaml\n");
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

/// The service and timer texts of the default output ("# X.service\n<service>\n# X.timer\n<timer>").
struct PrintedUnits {
  std::string service, timer;
};
PrintedUnits split_printed(const std::string& out, const std::string& unit) {
  const std::string service_head = "# " + unit + ".service\n";
  const std::string timer_head = "\n# " + unit + ".timer\n";
  PrintedUnits p;
  if (out.rfind(service_head, 0) != 0) return p;
  const auto t = out.find(timer_head);
  if (t == std::string::npos) return p;
  p.service = out.substr(service_head.size(), t - service_head.size());
  p.timer = out.substr(t + timer_head.size());
  return p;
}

TEST(CliSchedule, PrintsServiceAndTimerForABatchFileWithAt) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp);
  const auto r = run_cli({"schedule", batch.string(), "--at", "04:15", "--threads", "2", "--catalog", "cat.sqlite"},
                         tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto units = split_printed(r.out, "districtcast-nightly");
  ASSERT_FALSE(units.service.empty()) << r.out;
  ASSERT_FALSE(units.timer.empty()) << r.out;
  const fs::path dir = fs::canonical(tmp.path());
  const fs::path exe = fs::canonical(testing::executable_path());
  EXPECT_NE(units.service.find("\nType=oneshot\n"), std::string::npos) << units.service;
  EXPECT_NE(units.service.find("\nWorkingDirectory=" + dir.string() + "\n"), std::string::npos) << units.service;
  EXPECT_NE(units.service.find("\nExecStart=" + exe.string() + " batch " + (dir / "nightly.yaml").string() +
                               " --resume --catalog " + (dir / "cat.sqlite").string() + " --threads 2\n"),
            std::string::npos)
      << units.service;
  EXPECT_NE(units.service.find("\nSyslogIdentifier=districtcast-nightly\n"), std::string::npos);
  EXPECT_NE(units.timer.find("\nOnCalendar=*-*-* 04:15:00\n"), std::string::npos) << units.timer;
  EXPECT_NE(units.timer.find("\nUnit=districtcast-nightly.service\n"), std::string::npos);
  EXPECT_NE(r.err.find("--install"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("systemctl daemon-reload && systemctl enable --now districtcast-nightly.timer"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("journalctl -u districtcast-nightly.service"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/etc/systemd/system/districtcast-nightly.service"), std::string::npos) << r.err;
}

TEST(CliSchedule, UserUnitsMentionSystemctlUserAndTheUserDirectory) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp);
  // run_cli passes the environment on; the default user directory is under $XDG_CONFIG_HOME or ~/.config.
  const auto r = run_cli({"schedule", batch.string(), "--at", "01:00", "--user"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("systemctl --user daemon-reload && systemctl --user enable --now districtcast-nightly.timer"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("journalctl --user-unit districtcast-nightly.service"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("systemd/user/districtcast-nightly.service"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("\nUser="), std::string::npos) << r.out;
}

TEST(CliSchedule, CronPrintsOneLineWithMinuteAndHour) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp);
  const auto r = run_cli({"schedule", batch.string(), "--at", "03:07", "--cron"}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 1u) << r.out;
  const fs::path dir = fs::canonical(tmp.path());
  EXPECT_EQ(out[0].rfind("07 03 * * * cd '" + dir.string() + "' && '", 0), 0u) << out[0];
  EXPECT_NE(out[0].find("' 'batch' '" + (dir / "nightly.yaml").string() + "' '--resume' '--catalog' '"),
            std::string::npos)
      << out[0];
  EXPECT_NE(out[0].find(" >> '" + (dir / "outputs" / "districtcast-nightly.cron.log").string() + "' 2>&1"),
            std::string::npos)
      << out[0];
  EXPECT_NE(r.err.find("crontab -e"), std::string::npos) << r.err;
}

TEST(CliSchedule, InstallWritesThePrintedUnitsAndReportsUnchangedOrReplaced) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp);
  const fs::path units = tmp.path() / "units" / "nested";
  const auto printed = run_cli({"schedule", batch.string(), "--at", "02:30"}, tmp.path());
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const auto expected = split_printed(printed.out, "districtcast-nightly");
  ASSERT_FALSE(expected.service.empty()) << printed.out;

  const auto r = run_cli({"schedule", batch.string(), "--at", "02:30", "--install", "--unit-dir", units.string()},
                         tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path service = units / "districtcast-nightly.service";
  const fs::path timer = units / "districtcast-nightly.timer";
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{service.string(), timer.string()}));
  EXPECT_EQ(read_file(service), expected.service);
  EXPECT_EQ(read_file(timer), expected.timer);
  EXPECT_EQ((fs::status(service).permissions() & fs::perms::all),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  EXPECT_NE(r.err.find(service.string() + ": created"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("systemctl daemon-reload && systemctl enable --now districtcast-nightly.timer"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("replaced"), std::string::npos) << r.err;

  // Again: both unchanged.
  const auto again = run_cli({"schedule", batch.string(), "--at", "02:30", "--install", "--unit-dir", units.string()},
                             tmp.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find(service.string() + ": unchanged"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find(timer.string() + ": unchanged"), std::string::npos) << again.err;
  EXPECT_EQ(again.err.find("replaced"), std::string::npos) << again.err;

  // Another time: the timer is replaced, the service is unchanged; no temporary file is left.
  const auto moved = run_cli({"schedule", batch.string(), "--at", "05:45", "--install", "--unit-dir", units.string()},
                             tmp.path());
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_NE(moved.err.find(service.string() + ": unchanged"), std::string::npos) << moved.err;
  EXPECT_NE(moved.err.find(timer.string() + ": replaced"), std::string::npos) << moved.err;
  EXPECT_NE(read_file(timer).find("\nOnCalendar=*-*-* 05:45:00\n"), std::string::npos);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(units)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"districtcast-nightly.service", "districtcast-nightly.timer"}));
}

TEST(CliSchedule, UsesTheBatchFilesScheduleAndAtOverridesIt) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp, "schedule: {at: \"03:30\"}\n");
  const auto r = run_cli({"schedule", batch.string()}, tmp.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nOnCalendar=*-*-* 03:30:00\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("daily at 03:30"), std::string::npos) << r.err;
  const auto cron = run_cli({"schedule", batch.string(), "--cron"}, tmp.path());
  ASSERT_EQ(cron.exit_code, 0) << cron.err;
  EXPECT_EQ(cron.out.rfind("30 03 * * * ", 0), 0u) << cron.out;
  const auto overridden = run_cli({"schedule", batch.string(), "--at", "22:05"}, tmp.path());
  ASSERT_EQ(overridden.exit_code, 0) << overridden.err;
  EXPECT_NE(overridden.out.find("\nOnCalendar=*-*-* 22:05:00\n"), std::string::npos) << overridden.out;
  EXPECT_EQ(overridden.out.find("03:30"), std::string::npos) << overridden.out;

  // The same file installed: the timer holds the file's time.
  const auto installed = run_cli({"schedule", batch.string(), "--install", "--unit-dir", (tmp.path() / "u").string()},
                                 tmp.path());
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_NE(read_file(tmp.path() / "u" / "districtcast-nightly.timer").find("\nOnCalendar=*-*-* 03:30:00\n"),
            std::string::npos);
}

TEST(CliSchedule, AMalformedScheduleInTheFileIsAnInvalidInput) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp, "schedule: {at: \"25:00\"}\n");
  const auto r = run_cli({"schedule", batch.string(), "--at", "02:00"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("schedule.at"), std::string::npos) << r.err;
}

TEST(CliSchedule, NoScheduleAndNoAtIsAUsageError) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp);
  const auto r = run_cli({"schedule", batch.string()}, tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find(batch.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("schedule: {at: \"02:00\"}"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--at"), std::string::npos) << r.err;
}

TEST(CliSchedule, BadAtIsAUsageError) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp);
  for (const char* at : {"24:00", "12:60", "2:00", "02:00:00", "ab:cd", ""}) {
    const auto r = run_cli({"schedule", batch.string(), "--at", at}, tmp.path());
    EXPECT_EQ(r.exit_code, 2) << at << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("--at"), std::string::npos) << r.err;
  }
}

TEST(CliSchedule, InstallWithCronIsAUsageError) {
  TempDir tmp;
  const fs::path batch = write_batch(tmp);
  const auto r = run_cli({"schedule", batch.string(), "--at", "02:00", "--install", "--cron", "--unit-dir",
                          (tmp.path() / "u").string()},
                         tmp.path());
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(fs::exists(tmp.path() / "u"));
}

TEST(CliSchedule, InvalidBatchFileIsAUsageErrorAndWritesNothing) {
  TempDir tmp;
  tmp.write("bad.yaml", "base_year: 2024\nhorizon: 3\ndistricts:\n  - id: a\n    gdp: -5\n"
                        "    growth: {mean: 0.05, volatility: 0.02}\n");
  const fs::path broken = tmp.write("broken.yaml", "kind: batch\nname: nightly\nscenarios: 7\n");
  const fs::path invalid_job = tmp.write("jobs.yaml", "kind: batch\nname: nightly\nscenarios:\n  - bad.yaml\n");
  const fs::path missing = tmp.write("missing.yaml", "kind: batch\nname: nightly\nscenarios:\n  - nowhere.yaml\n");
  for (const auto& file : {broken, invalid_job, missing}) {
    const auto r = run_cli({"schedule", file.string(), "--at", "02:00", "--install", "--unit-dir",
                            (tmp.path() / "u").string()},
                           tmp.path());
    EXPECT_EQ(r.exit_code, 2) << file << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(file.filename().string()), std::string::npos) << r.err;
  }
  const auto r = run_cli({"schedule", (tmp.path() / "bad.yaml").string(), "--at", "02:00"}, tmp.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a batch file"), std::string::npos) << r.err;
  EXPECT_EQ(run_cli({"schedule", (tmp.path() / "none.yaml").string(), "--at", "02:00"}).exit_code, 2);
  EXPECT_EQ(run_cli({"schedule"}).exit_code, 2);
  EXPECT_FALSE(fs::exists(tmp.path() / "u"));
}

TEST(CliSchedule, HelpShowsUsageExampleAndExitCodes) {
  const auto r = run_cli({"schedule", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"Usage: districtcast schedule BATCH.yaml", "--at", "--cron", "--install", "--unit-dir",
                           "--user", "--catalog", "Examples:", "Exit codes"}) {
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace districtcast

namespace districtcast {
namespace {

TEST(CliScheduleCatalog, AFileThatIsNotACatalogIsRefused) {
  testing::TempDir tmp;
  tmp.write("alpha.yaml", testing::tiny_scenario("alpha"));
  const auto batch = tmp.write("nightly.yaml", "kind: batch\nname: nightly\nschedule: {at: \"02:00\"}\nscenarios: [alpha.yaml]\n");
  const auto notes = tmp.write("notes.txt", "not a database, just notes\n");
  const auto r = testing::run_cli({"schedule", batch.string(), "--cron", "--catalog", notes.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not a districtcast catalog"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(testing::read_file(notes), "not a database, just notes\n");
}

TEST(CliScheduleCatalog, ABatchFileCatalogIsUsedFromAnyWorkingDirectory) {
  testing::TempDir tmp;
  tmp.write("alpha.yaml", testing::tiny_scenario("alpha"));
  const auto batch = tmp.write("nightly.yaml", "kind: batch\nname: nightly\ncatalog: runs.sqlite\nschedule: {at: \"02:00\"}\n"
                                               "scenarios: [alpha.yaml]\n");
  const auto r = testing::run_cli({"schedule", batch.string(), "--cron"}, std::filesystem::temp_directory_path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("'--catalog' '" + (tmp.path() / "runs.sqlite").string() + "'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace districtcast
