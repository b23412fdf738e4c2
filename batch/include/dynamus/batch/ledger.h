// The batch ledger: one SQLite row per input (DIR/ledger.sqlite), so a batch knows what it has
// done across runs, crashes and shards. WAL journal; every change is one transaction, so a process
// killed at any point leaves the ledger as it was before or after a change, never between.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dynamus/core/status.h"

struct sqlite3;

namespace dynamus::batch {

enum class StudyStatus { kQueued, kRunning, kDone, kFailed };
std::string_view to_string(StudyStatus status);
// The inverse of to_string(); anything else is kQueued (not done yet).
StudyStatus study_status_from_string(std::string_view text);

// What the summary shows of a done study, copied from its result.json.
struct StudyMeasures {
  std::string kind;  // tear.kind: none, partial, full
  std::optional<double> score;
  std::optional<double> gap_rest_mm;
  std::optional<double> gap_peak_mm;
  std::optional<double> separation_increase_mm;
  std::optional<double> tendon_thickness_median_mm;
  std::optional<bool> thickening;
};

struct StudyRow {
  std::string path;    // absolute; the row's identity
  std::string sha256;  // of the input's bytes (empty when it could not be read)
  std::string key;     // the study key: the first 16 hex digits of sha256
  StudyStatus status = StudyStatus::kQueued;
  int error_code = 0;  // the exit code the study failed with (docs/cli.md), 0 when none
  std::string error_message;
  std::string dynamus_version;
  std::string params_hash;
  std::string started_utc;  // ISO 8601, e.g. 2026-12-01T20:15:03Z
  std::string finished_utc;
  double seconds = 0.0;
  // The worker's peak resident set (getrusage's ru_maxrss, KiB) when it ended; 0 when no worker
  // ran.
  std::int64_t peak_rss_kib = 0;
  std::string result_folder;  // relative to the batch folder, e.g. studies/<key>
  // The file's size and modification time when it was hashed, so an unchanged file is not hashed
  // again on a re-run.
  std::int64_t size_bytes = -1;
  std::int64_t mtime_ns = 0;
  StudyMeasures measures;
};

// One `dynamus batch` invocation, for the record: how much it found, skipped, did and failed.
struct RunRecord {
  std::int64_t id = 0;
  std::string started_utc;
  std::string finished_utc;
  std::string dynamus_version;
  std::string params_hash;
  std::string shard;  // "i/N", or empty
  int inputs = 0;
  int skipped = 0;
  int done = 0;
  int failed = 0;
  bool interrupted = false;
};

// The last push of a done study's DICOM results to the PACS (`batch --push`), by input path. A
// study is pushed again when this is missing, failed, or names another result folder.
struct PushRow {
  std::string path;
  std::string result_folder;  // the study folder whose files were pushed
  bool pushed = false;
  std::string error_message;
  std::string finished_utc;
};

class Ledger {
 public:
  // Opens or creates the ledger file. kUnreadable naming the file when SQLite cannot.
  static Result<Ledger> open(const std::filesystem::path& file);

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  Result<std::optional<StudyRow>> find(const std::string& path) const;
  // Every row, ordered by path.
  Result<std::vector<StudyRow>> rows() const;
  // Inserts or replaces the rows (by path), all in one transaction.
  Status put(const std::vector<StudyRow>& rows);
  // Rows left `running` by a batch that died go back to `queued`; returns how many.
  Result<int> requeue_running();

  // Starts a run record; fills record.id.
  Status begin_run(RunRecord& record);
  Status finish_run(const RunRecord& record);
  Result<std::vector<RunRecord>> runs() const;

  // The pushes table, by path.
  Result<std::map<std::string, PushRow>> pushes() const;
  Status put_push(const PushRow& row);

 private:
  explicit Ledger(sqlite3* db);
  struct Db;
  std::unique_ptr<Db> db_;
};

// The current time as ISO 8601 UTC with seconds, e.g. 2026-12-01T20:15:03Z.
std::string utc_now();

}  // namespace dynamus::batch
