#include "engine/catalog.hpp"

#include "engine/compare.hpp"
#include "engine/manifest.hpp"
#include "engine/metric.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <limits>
#include <system_error>
#include <utility>

namespace districtcast {

std::string_view to_string(RunStatus status) noexcept {
  switch (status) {
    case RunStatus::running: return "running";
    case RunStatus::succeeded: return "succeeded";
    case RunStatus::failed: return "failed";
    case RunStatus::interrupted: return "interrupted";
  }
  return "?";
}

std::optional<RunStatus> run_status_from_string(std::string_view text) noexcept {
  for (RunStatus status : {RunStatus::running, RunStatus::succeeded, RunStatus::failed, RunStatus::interrupted}) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

std::vector<StatRecord> stat_records(const ResultTables& tables) {
  std::vector<StatRecord> records;
  records.reserve(tables.summary.size() * (3 + tables.quantile_names.size()) + tables.thresholds.size() * 2);
  for (const SummaryRow& row : tables.summary) {
    const std::string metric(to_string(row.metric));
    const auto add = [&](std::string stat, double value) {
      records.push_back(StatRecord{row.district, row.sector, metric, row.year, std::move(stat), value});
    };
    add("mean", row.mean);
    add("sd", row.sd);
    add("mc_se", row.mc_se);
    const std::size_t quantiles = std::min(row.quantiles.size(), tables.quantile_names.size());
    for (std::size_t i = 0; i < quantiles; ++i) add(tables.quantile_names[i], row.quantiles[i]);
  }
  for (const ThresholdRow& row : tables.thresholds) {
    const std::string metric(to_string(row.metric));
    const std::string threshold = threshold_text(row.threshold);
    records.push_back(StatRecord{row.district, "", metric, row.year, "p_above:" + threshold, row.p_above});
    records.push_back(StatRecord{row.district, "", metric, row.year, "p_reached_by:" + threshold, row.p_reached_by});
  }
  return records;
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// Thin RAII layer over the SQLite C API. Every failure becomes
// CatalogError("<file>: <what was being done>: <sqlite3_errmsg>").

[[noreturn]] void throw_sqlite_error(const std::filesystem::path& file, sqlite3* db, int code, std::string_view doing) {
  if ((code & 0xff) == SQLITE_NOTADB) {
    throw CatalogError(fmt::format("{}: not a districtcast catalog (file is not a database)", file.string()));
  }
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw CatalogError(fmt::format("{}: {}: {}", file.string(), doing, message));
}

/// An open sqlite3 connection, closed on destruction.
class Connection {
public:
  Connection(const std::filesystem::path& file, bool read_only) : file_(file) {
    const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    const int code = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
    if (code != SQLITE_OK) {
      // sqlite3_open_v2 returns a handle even on failure (except out of memory); its message is the reason.
      const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
      sqlite3_close(db_);
      db_ = nullptr;
      throw CatalogError(fmt::format("{}: opening the catalog: {}", file.string(), reason));
    }
    sqlite3_extended_result_codes(db_, 1);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { sqlite3_close(db_); }  // statements are finalized first (they never outlive a call)

  [[nodiscard]] sqlite3* get() const noexcept { return db_; }
  [[nodiscard]] const std::filesystem::path& file() const noexcept { return file_; }

  /// Runs SQL without parameters (possibly several statements): schema steps and pragmas.
  void execute(const char* sql, std::string_view doing) const {
    const int code = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (code != SQLITE_OK) throw_sqlite_error(file_, db_, code, doing);
  }

  [[noreturn]] void fail(int code, std::string_view doing) const { throw_sqlite_error(file_, db_, code, doing); }

private:
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

/// A prepared statement with 1-based parameter binding by position; finalized on destruction.
class Statement {
public:
  Statement(const Connection& connection, std::string_view sql, std::string doing)
      : connection_(connection), doing_(std::move(doing)) {
    const int code = sqlite3_prepare_v2(connection.get(), sql.data(), static_cast<int>(sql.size()), &statement_, nullptr);
    if (code != SQLITE_OK) connection.fail(code, doing_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(statement_); }

  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_, index, value));
    return *this;
  }
  Statement& bind(int index, std::uint64_t value) { return bind(index, std::bit_cast<std::int64_t>(value)); }
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, unsigned value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  Statement& bind(int index, double value) {
    check(sqlite3_bind_double(statement_, index, value));
    return *this;
  }
  Statement& bind(int index, std::string_view value) {
    check(sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
  }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, RunStatus value) { return bind(index, to_string(value)); }
  Statement& bind(int index, const std::optional<std::int64_t>& value) {
    if (value) return bind(index, *value);
    check(sqlite3_bind_null(statement_, index));
    return *this;
  }

  /// Advances: true when a row is available, false when done.
  bool step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    connection_.fail(code, doing_);
  }
  /// Steps a statement that returns no rows.
  void run() {
    while (step()) {
    }
  }
  /// Makes the statement ready to be bound and stepped again.
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  [[nodiscard]] bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  [[nodiscard]] std::int64_t int64(int column) const { return sqlite3_column_int64(statement_, column); }
  [[nodiscard]] std::uint64_t uint64(int column) const { return std::bit_cast<std::uint64_t>(int64(column)); }
  [[nodiscard]] int integer(int column) const { return sqlite3_column_int(statement_, column); }
  /// A REAL column; NULL (how SQLite stores NaN) reads back as NaN.
  [[nodiscard]] double real(int column) const {
    return is_null(column) ? std::numeric_limits<double>::quiet_NaN() : sqlite3_column_double(statement_, column);
  }
  [[nodiscard]] std::string text(int column) const {
    const auto* data = sqlite3_column_text(statement_, column);
    const int size = sqlite3_column_bytes(statement_, column);
    return data == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
  }
  [[nodiscard]] RunStatus status(int column) const {
    const std::string value = text(column);
    if (auto status = run_status_from_string(value)) return *status;
    throw CatalogError(fmt::format("{}: {}: unknown status '{}'", connection_.file().string(), doing_, value));
  }

private:
  void check(int code) const {
    if (code != SQLITE_OK) connection_.fail(code, doing_);
  }

  const Connection& connection_;
  std::string doing_;
  sqlite3_stmt* statement_ = nullptr;
};

/// BEGIN IMMEDIATE (takes the write lock at once, waiting up to the busy timeout) ... commit(); rolled back
/// on destruction when not committed.
class Transaction {
public:
  Transaction(const Connection& connection, std::string_view doing) : connection_(connection), doing_(doing) {
    const int code = sqlite3_exec(connection.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (code != SQLITE_OK) connection.fail(code, fmt::format("{} (starting a transaction)", doing_));
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (open_) sqlite3_exec(connection_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    const int code = sqlite3_exec(connection_.get(), "COMMIT", nullptr, nullptr, nullptr);
    if (code != SQLITE_OK) connection_.fail(code, fmt::format("{} (committing)", doing_));
    open_ = false;
  }

private:
  const Connection& connection_;
  std::string doing_;
  bool open_ = true;
};

// ---------------------------------------------------------------------------------------------------------
// Schema and migrations. kMigrations[i] takes a file from user_version i to i + 1; to change the schema,
// append a step and raise Catalog::kSchemaVersion (never edit a released step).

struct Migration {
  const char* description;
  const char* sql;
};

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE batches (
  id                  INTEGER PRIMARY KEY,
  name                TEXT    NOT NULL,
  batch_file          TEXT    NOT NULL DEFAULT '',
  out_root            TEXT    NOT NULL DEFAULT '',
  directory           TEXT    NOT NULL DEFAULT '',
  status              TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
  started_at          TEXT    NOT NULL,
  finished_at         TEXT    NOT NULL DEFAULT '',
  wall_seconds        REAL    NOT NULL DEFAULT 0,
  engine_version      TEXT    NOT NULL DEFAULT '',
  command_line        TEXT    NOT NULL DEFAULT '',
  threads             INTEGER NOT NULL DEFAULT 1,
  host                TEXT    NOT NULL DEFAULT '',
  pid                 INTEGER NOT NULL DEFAULT 0,
  pid_start_ticks     INTEGER NOT NULL DEFAULT 0,
  scenarios_total     INTEGER NOT NULL DEFAULT 0,
  scenarios_succeeded INTEGER NOT NULL DEFAULT 0,
  alerts              INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE runs (
  id                INTEGER PRIMARY KEY,
  batch_id          INTEGER NULL REFERENCES batches(id) ON DELETE CASCADE,
  scenario          TEXT    NOT NULL,
  scenario_sha256   TEXT    NOT NULL DEFAULT '',
  engine_version    TEXT    NOT NULL DEFAULT '',
  seed              INTEGER NOT NULL,
  paths             INTEGER NOT NULL,
  threads           INTEGER NOT NULL DEFAULT 1,
  started_at        TEXT    NOT NULL,
  finished_at       TEXT    NOT NULL DEFAULT '',
  wall_seconds      REAL    NOT NULL DEFAULT 0,
  status            TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
  directory         TEXT    NOT NULL DEFAULT '',
  staging_directory TEXT    NOT NULL DEFAULT '',
  error             TEXT    NOT NULL DEFAULT '',
  host              TEXT    NOT NULL DEFAULT '',
  pid               INTEGER NOT NULL DEFAULT 0,
  pid_start_ticks   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE run_stats (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  district TEXT    NOT NULL,
  sector   TEXT    NOT NULL DEFAULT '',
  metric   TEXT    NOT NULL,
  year     INTEGER NOT NULL,
  stat     TEXT    NOT NULL,
  value    REAL,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, district, sector, metric, year, stat)
) WITHOUT ROWID;
CREATE INDEX runs_by_scenario ON runs(scenario, started_at);
CREATE INDEX runs_by_batch ON runs(batch_id);
CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX batches_by_name ON batches(name, started_at);
)sql";

constexpr std::array kMigrations{
    Migration{"creating the schema (version 1)", kSchemaV1},
};
static_assert(kMigrations.size() == Catalog::kSchemaVersion, "one migration step per schema version");

int read_user_version(const Connection& connection) {
  Statement query(connection, "PRAGMA user_version", "reading the schema version");
  return query.step() ? query.integer(0) : 0;
}

[[noreturn]] void throw_newer_schema(const std::filesystem::path& file, int version) {
  throw CatalogError(fmt::format(
      "{} was written by a newer districtcast (schema {} > {}); use that version or another --catalog", file.string(),
      version, Catalog::kSchemaVersion));
}

/// Applies every missing step, each in its own BEGIN IMMEDIATE transaction that also sets user_version.
/// The version is re-read inside the transaction, so concurrent openers migrate a file once.
void migrate(const Connection& connection) {
  for (std::size_t step = 0; step < kMigrations.size(); ++step) {
    const int target = static_cast<int>(step) + 1;
    if (read_user_version(connection) >= target) continue;
    Transaction transaction(connection, kMigrations[step].description);
    const int version = read_user_version(connection);
    if (version > Catalog::kSchemaVersion) throw_newer_schema(connection.file(), version);
    if (version >= target) continue;  // another process migrated meanwhile
    if (version == 0) {
      Statement objects(connection, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
                        "inspecting the database");
      if (objects.step() && objects.int64(0) > 0) {
        throw CatalogError(fmt::format(
            "{}: not a districtcast catalog (a SQLite database with other tables and no schema version)",
            connection.file().string()));
      }
    }
    connection.execute(kMigrations[step].sql, kMigrations[step].description);
    // PRAGMA takes no bound parameters; the value is this table's own step number.
    connection.execute(fmt::format("PRAGMA user_version = {}", target).c_str(), kMigrations[step].description);
    transaction.commit();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Row mapping.

constexpr std::string_view kBatchColumns =
    "id, name, batch_file, out_root, directory, status, started_at, finished_at, wall_seconds, engine_version, "
    "command_line, threads, host, pid, pid_start_ticks, scenarios_total, scenarios_succeeded, alerts";

constexpr std::string_view kRunColumns =
    "runs.id, runs.batch_id, runs.scenario, runs.scenario_sha256, runs.engine_version, runs.seed, runs.paths, "
    "runs.threads, runs.started_at, runs.finished_at, runs.wall_seconds, runs.status, runs.directory, "
    "runs.staging_directory, runs.error, runs.host, runs.pid, runs.pid_start_ticks";

BatchRecord read_batch(const Statement& row) {
  BatchRecord batch;
  batch.id = row.int64(0);
  batch.name = row.text(1);
  batch.batch_file = row.text(2);
  batch.out_root = row.text(3);
  batch.directory = row.text(4);
  batch.status = row.status(5);
  batch.started_at = row.text(6);
  batch.finished_at = row.text(7);
  batch.wall_seconds = row.real(8);
  batch.engine_version = row.text(9);
  batch.command_line = row.text(10);
  batch.threads = static_cast<unsigned>(row.int64(11));
  batch.process.host = row.text(12);
  batch.process.pid = row.int64(13);
  batch.process.start_ticks = row.uint64(14);
  batch.scenarios_total = row.int64(15);
  batch.scenarios_succeeded = row.int64(16);
  batch.alerts = row.int64(17);
  return batch;
}

RunRecord read_run(const Statement& row) {
  RunRecord run;
  run.id = row.int64(0);
  if (!row.is_null(1)) run.batch_id = row.int64(1);
  run.scenario = row.text(2);
  run.scenario_sha256 = row.text(3);
  run.engine_version = row.text(4);
  run.seed = row.uint64(5);
  run.paths = row.uint64(6);
  run.threads = static_cast<unsigned>(row.int64(7));
  run.started_at = row.text(8);
  run.finished_at = row.text(9);
  run.wall_seconds = row.real(10);
  run.status = row.status(11);
  run.directory = row.text(12);
  run.staging_directory = row.text(13);
  run.error = row.text(14);
  run.process.host = row.text(15);
  run.process.pid = row.int64(16);
  run.process.start_ticks = row.uint64(17);
  return run;
}

/// SQLite's LIMIT: -1 means none.
std::int64_t sql_limit(std::size_t limit) { return limit == 0 ? -1 : static_cast<std::int64_t>(limit); }

std::string now_iso8601() { return iso8601_utc(std::chrono::system_clock::now()); }

}  // namespace

// -------------------------------------------------------------------------------------------------------------

struct Catalog::Impl {
  Impl(const std::filesystem::path& path, bool read_only) : file(path), connection(path, read_only) {}
  std::filesystem::path file;
  Connection connection;
};

Catalog::Catalog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Catalog::Catalog(Catalog&&) noexcept = default;
Catalog& Catalog::operator=(Catalog&&) noexcept = default;
Catalog::~Catalog() = default;

Catalog Catalog::open(const std::filesystem::path& file) {
  if (file.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(file.parent_path(), error);
    if (error) {
      throw CatalogError(fmt::format("{}: creating directory {}: {}", file.string(), file.parent_path().string(),
                                     error.message()));
    }
  }
  auto impl = std::make_unique<Impl>(file, false);
  const Connection& connection = impl->connection;
  sqlite3_busy_timeout(connection.get(), 10000);
  // The first read also tells a database from any other file (SQLITE_NOTADB -> "not a districtcast catalog").
  const int version = read_user_version(connection);
  if (version > kSchemaVersion) throw_newer_schema(file, version);
  {
    Statement journal(connection, "PRAGMA journal_mode=WAL", "setting the WAL journal mode");
    journal.run();
  }
  connection.execute("PRAGMA foreign_keys=ON", "enabling foreign keys");
  connection.execute("PRAGMA synchronous=NORMAL", "setting synchronous=NORMAL");
  migrate(connection);
  return Catalog(std::move(impl));
}

Catalog Catalog::open_read_only(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    throw CatalogError(fmt::format("{}: opening the catalog: no such file", file.string()));
  }
  auto impl = std::make_unique<Impl>(file, true);
  const Connection& connection = impl->connection;
  sqlite3_busy_timeout(connection.get(), 10000);
  const int version = read_user_version(connection);
  if (version > kSchemaVersion) throw_newer_schema(file, version);
  if (version < kSchemaVersion) {
    throw CatalogError(fmt::format("{}: not a districtcast catalog at schema {} (this engine reads {}; a 'run' or "
                                   "'batch' with this catalog upgrades it)",
                                   file.string(), version, kSchemaVersion));
  }
  return Catalog(std::move(impl));
}

const std::filesystem::path& Catalog::file() const noexcept { return impl_->file; }

int Catalog::schema_version() const { return read_user_version(impl_->connection); }

std::int64_t Catalog::begin_batch(const BatchRecord& batch) {
  const Connection& connection = impl_->connection;
  Transaction transaction(connection, "recording a new batch");
  Statement insert(connection,
                   "INSERT INTO batches (name, batch_file, out_root, directory, status, started_at, finished_at, "
                   "wall_seconds, engine_version, command_line, threads, host, pid, pid_start_ticks, scenarios_total, "
                   "scenarios_succeeded, alerts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   "recording a new batch");
  insert.bind(1, batch.name)
      .bind(2, batch.batch_file)
      .bind(3, batch.out_root)
      .bind(4, batch.directory)
      .bind(5, batch.status)
      .bind(6, batch.started_at)
      .bind(7, batch.finished_at)
      .bind(8, batch.wall_seconds)
      .bind(9, batch.engine_version)
      .bind(10, batch.command_line)
      .bind(11, batch.threads)
      .bind(12, batch.process.host)
      .bind(13, batch.process.pid)
      .bind(14, batch.process.start_ticks)
      .bind(15, batch.scenarios_total)
      .bind(16, batch.scenarios_succeeded)
      .bind(17, batch.alerts);
  insert.run();
  const std::int64_t id = sqlite3_last_insert_rowid(connection.get());
  transaction.commit();
  return id;
}

void Catalog::finish_batch(const BatchRecord& batch) {
  const Connection& connection = impl_->connection;
  const std::string doing = fmt::format("finishing batch {}", batch.id);
  Transaction transaction(connection, doing);
  Statement update(connection,
                   "UPDATE batches SET status = ?, directory = ?, finished_at = ?, wall_seconds = ?, "
                   "scenarios_total = ?, scenarios_succeeded = ?, alerts = ? WHERE id = ?",
                   doing);
  update.bind(1, batch.status)
      .bind(2, batch.directory)
      .bind(3, batch.finished_at)
      .bind(4, batch.wall_seconds)
      .bind(5, batch.scenarios_total)
      .bind(6, batch.scenarios_succeeded)
      .bind(7, batch.alerts)
      .bind(8, batch.id);
  update.run();
  if (sqlite3_changes(connection.get()) == 0) {
    throw CatalogError(fmt::format("{}: {}: no such batch", impl_->file.string(), doing));
  }
  transaction.commit();
}

std::int64_t Catalog::begin_run(const RunRecord& run) {
  const Connection& connection = impl_->connection;
  Transaction transaction(connection, "recording a new run");
  Statement insert(connection,
                   "INSERT INTO runs (batch_id, scenario, scenario_sha256, engine_version, seed, paths, threads, "
                   "started_at, finished_at, wall_seconds, status, directory, staging_directory, error, host, pid, "
                   "pid_start_ticks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   "recording a new run");
  insert.bind(1, run.batch_id)
      .bind(2, run.scenario)
      .bind(3, run.scenario_sha256)
      .bind(4, run.engine_version)
      .bind(5, run.seed)
      .bind(6, run.paths)
      .bind(7, run.threads)
      .bind(8, run.started_at)
      .bind(9, run.finished_at)
      .bind(10, run.wall_seconds)
      .bind(11, run.status)
      .bind(12, run.directory)
      .bind(13, run.staging_directory)
      .bind(14, run.error)
      .bind(15, run.process.host)
      .bind(16, run.process.pid)
      .bind(17, run.process.start_ticks);
  insert.run();
  const std::int64_t id = sqlite3_last_insert_rowid(connection.get());
  transaction.commit();
  return id;
}

void Catalog::finish_run(const RunRecord& run, const std::vector<StatRecord>& stats) {
  const Connection& connection = impl_->connection;
  const std::string doing = fmt::format("finishing run {}", run.id);
  Transaction transaction(connection, doing);
  {
    Statement update(connection,
                     "UPDATE runs SET status = ?, directory = ?, staging_directory = ?, error = ?, paths = ?, "
                     "finished_at = ?, wall_seconds = ? WHERE id = ?",
                     doing);
    update.bind(1, run.status)
        .bind(2, run.directory)
        .bind(3, run.staging_directory)
        .bind(4, run.error)
        .bind(5, run.paths)
        .bind(6, run.finished_at)
        .bind(7, run.wall_seconds)
        .bind(8, run.id);
    update.run();
    if (sqlite3_changes(connection.get()) == 0) {
      throw CatalogError(fmt::format("{}: {}: no such run", impl_->file.string(), doing));
    }
  }
  {
    Statement clear(connection, "DELETE FROM run_stats WHERE run_id = ?", doing + " (replacing its statistics)");
    clear.bind(1, run.id).run();
  }
  // One prepared insert, reset and rebound per row; a cell given twice keeps its last value.
  Statement insert(connection,
                   "INSERT OR REPLACE INTO run_stats (run_id, district, sector, metric, year, stat, value, position) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   doing + " (storing its statistics)");
  std::int64_t position = 0;
  for (const StatRecord& stat : stats) {
    insert.reset();
    insert.bind(1, run.id)
        .bind(2, stat.district)
        .bind(3, stat.sector)
        .bind(4, stat.metric)
        .bind(5, stat.year)
        .bind(6, stat.stat)
        .bind(7, stat.value)
        .bind(8, position++);
    insert.run();
  }
  transaction.commit();
}

Catalog::Recovered Catalog::recover_interrupted() {
  const Connection& connection = impl_->connection;
  const std::string doing = "recovering interrupted runs";
  Recovered recovered;
  Transaction transaction(connection, doing);
  const std::string finished_at = now_iso8601();
  {
    Statement query(connection,
                    fmt::format("SELECT {} FROM batches WHERE status = ? ORDER BY id", kBatchColumns), doing);
    query.bind(1, RunStatus::running);
    while (query.step()) {
      BatchRecord batch = read_batch(query);
      if (!batch.process.alive()) recovered.batches.push_back(std::move(batch));
    }
  }
  {
    Statement query(connection, fmt::format("SELECT {} FROM runs WHERE status = ? ORDER BY id", kRunColumns), doing);
    query.bind(1, RunStatus::running);
    while (query.step()) {
      RunRecord run = read_run(query);
      if (!run.process.alive()) recovered.runs.push_back(std::move(run));
    }
  }
  {
    Statement mark(connection, "UPDATE batches SET status = ?, finished_at = ? WHERE id = ?", doing);
    for (BatchRecord& batch : recovered.batches) {
      mark.reset();
      mark.bind(1, RunStatus::interrupted).bind(2, finished_at).bind(3, batch.id).run();
      batch.status = RunStatus::interrupted;
      batch.finished_at = finished_at;
    }
  }
  {
    Statement mark(connection, "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", doing);
    for (RunRecord& run : recovered.runs) {
      mark.reset();
      mark.bind(1, RunStatus::interrupted).bind(2, finished_at).bind(3, run.id).run();
      run.status = RunStatus::interrupted;
      run.finished_at = finished_at;
    }
  }
  transaction.commit();
  return recovered;
}

std::optional<RunRecord> Catalog::run(std::int64_t id) const {
  Statement query(impl_->connection, fmt::format("SELECT {} FROM runs WHERE id = ?", kRunColumns),
                  fmt::format("reading run {}", id));
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return read_run(query);
}

std::optional<BatchRecord> Catalog::batch(std::int64_t id) const {
  Statement query(impl_->connection, fmt::format("SELECT {} FROM batches WHERE id = ?", kBatchColumns),
                  fmt::format("reading batch {}", id));
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return read_batch(query);
}

std::vector<RunRecord> Catalog::runs(const RunQuery& query) const {
  // The filters are fixed SQL fragments; every value is a bound parameter (?1 .. ?5; NULL/'' = any).
  Statement select(impl_->connection,
                   fmt::format("SELECT {} FROM runs "
                               "WHERE (?1 = '' OR runs.scenario = ?1) "
                               "AND (?2 = '' OR runs.batch_id IN (SELECT id FROM batches WHERE name = ?2)) "
                               "AND (?3 IS NULL OR runs.status = ?3) "
                               "AND (?4 IS NULL OR runs.batch_id = ?4) "
                               "ORDER BY runs.started_at DESC, runs.id DESC LIMIT ?5",
                               kRunColumns),
                   "listing runs");
  select.bind(1, query.scenario).bind(2, query.batch_name);
  if (query.status) select.bind(3, *query.status);
  select.bind(4, query.batch_id).bind(5, sql_limit(query.limit));
  std::vector<RunRecord> runs;
  while (select.step()) runs.push_back(read_run(select));
  return runs;
}

std::vector<BatchRecord> Catalog::batches(const BatchQuery& query) const {
  Statement select(impl_->connection,
                   fmt::format("SELECT {} FROM batches "
                               "WHERE (?1 = '' OR name = ?1) AND (?2 = '' OR out_root = ?2) "
                               "AND (?3 IS NULL OR status = ?3) "
                               "ORDER BY started_at DESC, id DESC LIMIT ?4",
                               kBatchColumns),
                   "listing batches");
  select.bind(1, query.name).bind(2, query.out_root);
  if (query.status) select.bind(3, *query.status);
  select.bind(4, sql_limit(query.limit));
  std::vector<BatchRecord> batches;
  while (select.step()) batches.push_back(read_batch(select));
  return batches;
}

std::vector<StatRecord> Catalog::stats(std::int64_t run_id) const {
  Statement select(impl_->connection,
                   "SELECT district, sector, metric, year, stat, value FROM run_stats WHERE run_id = ? "
                   "ORDER BY position, district, sector, metric, year, stat",
                   fmt::format("reading the statistics of run {}", run_id));
  select.bind(1, run_id);
  std::vector<StatRecord> stats;
  while (select.step()) {
    stats.push_back(StatRecord{select.text(0), select.text(1), select.text(2), select.integer(3), select.text(4),
                               select.real(5)});
  }
  return stats;
}

std::vector<HistoryPoint> Catalog::history(const HistoryQuery& query) const {
  Statement select(impl_->connection,
                   "SELECT runs.id, runs.batch_id, runs.started_at, runs.scenario_sha256, runs.engine_version, "
                   "runs.seed, runs.paths, cell.value, se.value, se.run_id IS NOT NULL "
                   "FROM runs JOIN run_stats AS cell ON cell.run_id = runs.id "
                   "AND cell.district = ?2 AND cell.sector = ?3 AND cell.metric = ?4 AND cell.year = ?5 "
                   "AND cell.stat = ?6 "
                   "LEFT JOIN run_stats AS se ON ?6 = 'mean' AND se.run_id = runs.id AND se.district = ?2 "
                   "AND se.sector = ?3 AND se.metric = ?4 AND se.year = ?5 AND se.stat = 'mc_se' "
                   "WHERE runs.scenario = ?1 AND (?7 OR runs.status = ?8) "
                   "AND (?10 = '' OR runs.batch_id IN (SELECT id FROM batches WHERE name = ?10)) "
                   "ORDER BY runs.started_at DESC, runs.id DESC LIMIT ?9",
                   fmt::format("reading the history of {}", query.scenario));
  select.bind(1, query.scenario)
      .bind(2, query.district)
      .bind(3, query.sector)
      .bind(4, query.metric)
      .bind(5, query.year)
      .bind(6, query.stat)
      .bind(7, query.include_failed)
      .bind(8, RunStatus::succeeded)
      .bind(9, sql_limit(query.limit))
      .bind(10, query.batch_name);
  std::vector<HistoryPoint> points;
  while (select.step()) {
    HistoryPoint point;
    point.run_id = select.int64(0);
    if (!select.is_null(1)) point.batch_id = select.int64(1);
    point.started_at = select.text(2);
    point.scenario_sha256 = select.text(3);
    point.engine_version = select.text(4);
    point.seed = select.uint64(5);
    point.paths = select.uint64(6);
    point.value = select.real(7);
    if (select.int64(9) != 0) point.mc_se = select.real(8);
    points.push_back(std::move(point));
  }
  std::reverse(points.begin(), points.end());  // newest N selected; reported oldest first
  return points;
}

std::optional<RunRecord> Catalog::previous_successful_run(const std::string& scenario, const std::string& batch_name,
                                                          std::int64_t exclude_batch_id) const {
  Statement select(impl_->connection,
                   fmt::format("SELECT {} FROM runs JOIN batches ON batches.id = runs.batch_id "
                               "WHERE runs.scenario = ? AND batches.name = ? AND runs.status = ? "
                               "AND runs.batch_id <> ? "
                               "ORDER BY runs.started_at DESC, runs.id DESC LIMIT 1",
                               kRunColumns),
                   fmt::format("finding the previous run of {}", scenario));
  select.bind(1, scenario).bind(2, batch_name).bind(3, RunStatus::succeeded).bind(4, exclude_batch_id);
  if (!select.step()) return std::nullopt;
  return read_run(select);
}

void Catalog::delete_batch(std::int64_t id) {
  const Connection& connection = impl_->connection;
  const std::string doing = fmt::format("deleting batch {}", id);
  Transaction transaction(connection, doing);
  Statement remove(connection, "DELETE FROM batches WHERE id = ?", doing);  // runs and run_stats cascade
  remove.bind(1, id).run();
  transaction.commit();
}

void Catalog::delete_run(std::int64_t id) {
  const Connection& connection = impl_->connection;
  const std::string doing = fmt::format("deleting run {}", id);
  Transaction transaction(connection, doing);
  Statement remove(connection, "DELETE FROM runs WHERE id = ?", doing);  // run_stats cascade
  remove.bind(1, id).run();
  transaction.commit();
}

}  // namespace districtcast
