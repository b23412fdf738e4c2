#include "dynamus/batch/ledger.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>

#include "sqlite_db.h"

namespace dynamus::batch {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS studies (
  path TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  study_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
  error_code INTEGER NOT NULL DEFAULT 0,
  error_message TEXT NOT NULL DEFAULT '',
  dynamus_version TEXT NOT NULL DEFAULT '',
  params_hash TEXT NOT NULL DEFAULT '',
  started_utc TEXT NOT NULL DEFAULT '',
  finished_utc TEXT NOT NULL DEFAULT '',
  seconds REAL NOT NULL DEFAULT 0,
  result_folder TEXT NOT NULL DEFAULT '',
  size_bytes INTEGER NOT NULL DEFAULT -1,
  mtime_ns INTEGER NOT NULL DEFAULT 0,
  tear_kind TEXT NOT NULL DEFAULT '',
  tear_score REAL,
  gap_rest_mm REAL,
  gap_peak_mm REAL,
  separation_increase_mm REAL,
  tendon_thickness_median_mm REAL,
  thickening INTEGER,
  peak_rss_kib INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS studies_by_key ON studies (study_key);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_utc TEXT NOT NULL,
  finished_utc TEXT NOT NULL DEFAULT '',
  dynamus_version TEXT NOT NULL,
  params_hash TEXT NOT NULL,
  shard TEXT NOT NULL DEFAULT '',
  inputs INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  interrupted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pushes (
  path TEXT PRIMARY KEY,
  result_folder TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pushed', 'failed')),
  error_message TEXT NOT NULL DEFAULT '',
  finished_utc TEXT NOT NULL DEFAULT ''
);
PRAGMA user_version = 1;
)sql";

constexpr const char* kStudyColumns =
    "path, sha256, study_key, status, error_code, error_message, dynamus_version, params_hash, "
    "started_utc, finished_utc, seconds, result_folder, size_bytes, mtime_ns, tear_kind, "
    "tear_score, gap_rest_mm, gap_peak_mm, separation_increase_mm, tendon_thickness_median_mm, "
    "thickening, peak_rss_kib";

StudyRow read_row(const Statement& s) {
  StudyRow row;
  row.path = s.text(0);
  row.sha256 = s.text(1);
  row.key = s.text(2);
  row.status = study_status_from_string(s.text(3));
  row.error_code = int(s.integer(4));
  row.error_message = s.text(5);
  row.dynamus_version = s.text(6);
  row.params_hash = s.text(7);
  row.started_utc = s.text(8);
  row.finished_utc = s.text(9);
  row.seconds = s.real(10);
  row.result_folder = s.text(11);
  row.size_bytes = s.integer(12);
  row.mtime_ns = s.integer(13);
  row.measures.kind = s.text(14);
  row.measures.score = s.optional_real(15);
  row.measures.gap_rest_mm = s.optional_real(16);
  row.measures.gap_peak_mm = s.optional_real(17);
  row.measures.separation_increase_mm = s.optional_real(18);
  row.measures.tendon_thickness_median_mm = s.optional_real(19);
  if (!s.is_null(20)) row.measures.thickening = s.integer(20) != 0;
  row.peak_rss_kib = s.integer(21);
  return row;
}

void bind_row(Statement& s, const StudyRow& row) {
  const StudyMeasures& m = row.measures;
  s.bind(1, row.path)
      .bind(2, row.sha256)
      .bind(3, row.key)
      .bind(4, std::string(to_string(row.status)))
      .bind(5, std::int64_t{row.error_code})
      .bind(6, row.error_message)
      .bind(7, row.dynamus_version)
      .bind(8, row.params_hash)
      .bind(9, row.started_utc)
      .bind(10, row.finished_utc)
      .bind(11, row.seconds)
      .bind(12, row.result_folder)
      .bind(13, row.size_bytes)
      .bind(14, row.mtime_ns)
      .bind(15, m.kind)
      .bind(16, m.score)
      .bind(17, m.gap_rest_mm)
      .bind(18, m.gap_peak_mm)
      .bind(19, m.separation_increase_mm)
      .bind(20, m.tendon_thickness_median_mm)
      .bind(21, m.thickening ? std::optional<double>(*m.thickening ? 1.0 : 0.0) : std::nullopt)
      .bind(22, row.peak_rss_kib);
}

RunRecord read_run(const Statement& s) {
  RunRecord run;
  run.id = s.integer(0);
  run.started_utc = s.text(1);
  run.finished_utc = s.text(2);
  run.dynamus_version = s.text(3);
  run.params_hash = s.text(4);
  run.shard = s.text(5);
  run.inputs = int(s.integer(6));
  run.skipped = int(s.integer(7));
  run.done = int(s.integer(8));
  run.failed = int(s.integer(9));
  run.interrupted = s.integer(10) != 0;
  return run;
}

}  // namespace

struct Ledger::Db {
  sqlite3* handle = nullptr;
  ~Db() { sqlite3_close(handle); }
};

StudyStatus study_status_from_string(std::string_view text) {
  if (text == "running") return StudyStatus::kRunning;
  if (text == "done") return StudyStatus::kDone;
  if (text == "failed") return StudyStatus::kFailed;
  return StudyStatus::kQueued;
}

std::string_view to_string(StudyStatus status) {
  switch (status) {
    case StudyStatus::kQueued:
      return "queued";
    case StudyStatus::kRunning:
      return "running";
    case StudyStatus::kDone:
      return "done";
    case StudyStatus::kFailed:
      return "failed";
  }
  return "queued";
}

std::string utc_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

Ledger::Ledger(sqlite3* db) : db_(std::make_unique<Db>()) { db_->handle = db; }
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

Result<Ledger> Ledger::open(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    Status status(StatusCode::kUnreadable,
                  fmt::format("cannot open the ledger: {}", db ? sqlite3_errmsg(db) : "no memory"),
                  file.string());
    sqlite3_close(db);
    return status;
  }
  Ledger ledger(db);
  sqlite3_busy_timeout(db, 10000);
  // WAL: readers (merge, sqlite3 on the side) never block the batch; FULL: a commit survives
  // a power cut, not only a killed process.
  for (const char* sql : {"PRAGMA journal_mode = WAL;", "PRAGMA synchronous = FULL;", kSchema}) {
    const Status status = execute(db, sql);
    if (!status.ok()) return status.with_context(file.string());
  }
  // A ledger written before peak_rss_kib existed gains the column (old rows: 0, unknown).
  if (!Statement(db, "SELECT peak_rss_kib FROM studies LIMIT 0").prepared()) {
    const Status status =
        execute(db, "ALTER TABLE studies ADD COLUMN peak_rss_kib INTEGER NOT NULL DEFAULT 0;");
    if (!status.ok()) return status.with_context(file.string());
  }
  return ledger;
}

Result<std::optional<StudyRow>> Ledger::find(const std::string& path) const {
  Statement s(db_->handle,
              fmt::format("SELECT {} FROM studies WHERE path = ?", kStudyColumns).c_str());
  if (!s.prepared()) return sqlite_error(db_->handle, "ledger query");
  s.bind(1, path);
  const int step = s.step();
  if (step == SQLITE_ROW) return std::optional<StudyRow>(read_row(s));
  if (step != SQLITE_DONE) return sqlite_error(db_->handle, "ledger query");
  return std::optional<StudyRow>();
}

Result<std::vector<StudyRow>> Ledger::rows() const {
  Statement s(db_->handle,
              fmt::format("SELECT {} FROM studies ORDER BY path", kStudyColumns).c_str());
  if (!s.prepared()) return sqlite_error(db_->handle, "ledger query");
  std::vector<StudyRow> rows;
  int step = 0;
  while ((step = s.step()) == SQLITE_ROW) rows.push_back(read_row(s));
  if (step != SQLITE_DONE) return sqlite_error(db_->handle, "ledger query");
  return rows;
}

Status Ledger::put(const std::vector<StudyRow>& rows) {
  DYNAMUS_RETURN_IF_ERROR(execute(db_->handle, "BEGIN IMMEDIATE;"));
  Statement s(db_->handle, fmt::format("INSERT OR REPLACE INTO studies ({}) VALUES "
                                       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                       kStudyColumns)
                               .c_str());
  bool ok = s.prepared();
  for (std::size_t i = 0; ok && i < rows.size(); ++i) {
    bind_row(s, rows[i]);
    ok = s.step() == SQLITE_DONE;
    s.reset();
  }
  if (!ok) {
    const Status status = sqlite_error(db_->handle, "ledger update");
    (void)execute(db_->handle, "ROLLBACK;");
    return status;
  }
  return execute(db_->handle, "COMMIT;");
}

Result<int> Ledger::requeue_running() {
  if (!execute(db_->handle, "UPDATE studies SET status = 'queued' WHERE status = 'running';")
           .ok()) {
    return sqlite_error(db_->handle, "ledger update");
  }
  return sqlite3_changes(db_->handle);
}

Status Ledger::begin_run(RunRecord& record) {
  Statement s(db_->handle,
              "INSERT INTO runs (started_utc, dynamus_version, params_hash, shard, inputs) "
              "VALUES (?, ?, ?, ?, ?)");
  if (!s.prepared()) return sqlite_error(db_->handle, "ledger update");
  s.bind(1, record.started_utc)
      .bind(2, record.dynamus_version)
      .bind(3, record.params_hash)
      .bind(4, record.shard)
      .bind(5, std::int64_t{record.inputs});
  if (s.step() != SQLITE_DONE) return sqlite_error(db_->handle, "ledger update");
  record.id = sqlite3_last_insert_rowid(db_->handle);
  return ok_status();
}

Status Ledger::finish_run(const RunRecord& record) {
  Statement s(db_->handle,
              "UPDATE runs SET finished_utc = ?, inputs = ?, skipped = ?, done = ?, failed = ?, "
              "interrupted = ? WHERE id = ?");
  if (!s.prepared()) return sqlite_error(db_->handle, "ledger update");
  s.bind(1, record.finished_utc)
      .bind(2, std::int64_t{record.inputs})
      .bind(3, std::int64_t{record.skipped})
      .bind(4, std::int64_t{record.done})
      .bind(5, std::int64_t{record.failed})
      .bind(6, std::int64_t{record.interrupted ? 1 : 0})
      .bind(7, record.id);
  if (s.step() != SQLITE_DONE) return sqlite_error(db_->handle, "ledger update");
  return ok_status();
}

Result<std::vector<RunRecord>> Ledger::runs() const {
  Statement s(db_->handle,
              "SELECT id, started_utc, finished_utc, dynamus_version, params_hash, shard, inputs, "
              "skipped, done, failed, interrupted FROM runs ORDER BY id");
  if (!s.prepared()) return sqlite_error(db_->handle, "ledger query");
  std::vector<RunRecord> runs;
  int step = 0;
  while ((step = s.step()) == SQLITE_ROW) runs.push_back(read_run(s));
  if (step != SQLITE_DONE) return sqlite_error(db_->handle, "ledger query");
  return runs;
}

Result<std::map<std::string, PushRow>> Ledger::pushes() const {
  Statement s(db_->handle,
              "SELECT path, result_folder, status, error_message, finished_utc FROM pushes");
  if (!s.prepared()) return sqlite_error(db_->handle, "ledger query");
  std::map<std::string, PushRow> pushes;
  int step = 0;
  while ((step = s.step()) == SQLITE_ROW) {
    PushRow row{s.text(0), s.text(1), s.text(2) == "pushed", s.text(3), s.text(4)};
    pushes[row.path] = std::move(row);
  }
  if (step != SQLITE_DONE) return sqlite_error(db_->handle, "ledger query");
  return pushes;
}

Status Ledger::put_push(const PushRow& row) {
  Statement s(db_->handle,
              "INSERT OR REPLACE INTO pushes (path, result_folder, status, error_message, "
              "finished_utc) VALUES (?, ?, ?, ?, ?)");
  if (!s.prepared()) return sqlite_error(db_->handle, "ledger update");
  s.bind(1, row.path)
      .bind(2, row.result_folder)
      .bind(3, std::string(row.pushed ? "pushed" : "failed"))
      .bind(4, row.error_message)
      .bind(5, row.finished_utc);
  if (s.step() != SQLITE_DONE) return sqlite_error(db_->handle, "ledger update");
  return ok_status();
}

}  // namespace dynamus::batch
