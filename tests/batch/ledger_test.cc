// The ledger keeps every field of a row, in WAL mode, and puts interrupted rows back in the queue.
#include "dynamus/batch/ledger.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "temp_dir.h"

namespace dynamus::batch {
namespace {

StudyRow full_row() {
  StudyRow row;
  row.path = "/data/a, \"b\".dcm";
  row.sha256 = std::string(64, 'a');
  row.key = std::string(16, 'a');
  row.status = StudyStatus::kDone;
  row.error_code = 0;
  row.dynamus_version = "0.1.0";
  row.params_hash = std::string(64, 'b');
  row.started_utc = "2026-12-01T20:00:00Z";
  row.finished_utc = "2026-12-01T20:00:03Z";
  row.seconds = 3.25;
  row.peak_rss_kib = 107008;
  row.result_folder = "studies/aaaaaaaaaaaaaaaa";
  row.size_bytes = 922724;
  row.mtime_ns = 1764619200123456789;
  row.measures.kind = "full";
  row.measures.score = 0.93;
  row.measures.gap_rest_mm = 3.1;
  row.measures.gap_peak_mm = 9.8;
  row.measures.separation_increase_mm = 6.7;
  row.measures.tendon_thickness_median_mm = std::nullopt;
  row.measures.thickening = false;
  return row;
}

TEST(Ledger, KeepsEveryFieldOfARowAcrossReopening) {
  testing::TempDir dir;
  {
    Result<Ledger> ledger = Ledger::open(dir / "ledger.sqlite");
    ASSERT_TRUE(ledger.ok()) << ledger.status().to_string();
    ASSERT_TRUE(ledger->put({full_row()}).ok());
  }
  Result<Ledger> ledger = Ledger::open(dir / "ledger.sqlite");
  ASSERT_TRUE(ledger.ok());
  const Result<std::optional<StudyRow>> found = ledger->find(full_row().path);
  ASSERT_TRUE(found.ok() && found->has_value());
  const StudyRow& row = **found;
  const StudyRow expected = full_row();
  EXPECT_EQ(row.sha256, expected.sha256);
  EXPECT_EQ(row.key, expected.key);
  EXPECT_EQ(row.status, StudyStatus::kDone);
  EXPECT_EQ(row.params_hash, expected.params_hash);
  EXPECT_EQ(row.started_utc, expected.started_utc);
  EXPECT_EQ(row.finished_utc, expected.finished_utc);
  EXPECT_DOUBLE_EQ(row.seconds, 3.25);
  EXPECT_EQ(row.peak_rss_kib, 107008);
  EXPECT_EQ(row.result_folder, expected.result_folder);
  EXPECT_EQ(row.size_bytes, expected.size_bytes);
  EXPECT_EQ(row.mtime_ns, expected.mtime_ns);
  EXPECT_EQ(row.measures.kind, "full");
  EXPECT_EQ(row.measures.score, 0.93);
  EXPECT_EQ(row.measures.gap_peak_mm, 9.8);
  EXPECT_FALSE(row.measures.tendon_thickness_median_mm.has_value());
  EXPECT_EQ(row.measures.thickening, std::optional<bool>(false));
  EXPECT_FALSE(ledger->find("/nowhere").value().has_value());
}

// A ledger of a batch from before peak_rss_kib existed opens, keeps its rows (peak RSS 0,
// unknown) and takes new ones with their peak RSS.
TEST(Ledger, AddsThePeakRssColumnToAnOlderLedger) {
  testing::TempDir dir;
  const std::string file = (dir / "ledger.sqlite").string();
  {
    Result<Ledger> ledger = Ledger::open(file);
    ASSERT_TRUE(ledger.ok());
    ASSERT_TRUE(ledger->put({full_row()}).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "ALTER TABLE studies DROP COLUMN peak_rss_kib;", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  Result<Ledger> ledger = Ledger::open(file);
  ASSERT_TRUE(ledger.ok()) << ledger.status().to_string();
  const Result<std::optional<StudyRow>> old = ledger->find(full_row().path);
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->peak_rss_kib, 0);
  EXPECT_EQ((*old)->measures.score, 0.93);
  StudyRow row = full_row();
  row.path = "/data/new.dcm";
  ASSERT_TRUE(ledger->put({row}).ok());
  EXPECT_EQ(ledger->find(row.path).value()->peak_rss_kib, 107008);
}

TEST(Ledger, UsesWriteAheadLoggingSoReadersDoNotBlockTheBatch) {
  testing::TempDir dir;
  ASSERT_TRUE(Ledger::open(dir / "ledger.sqlite").ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "ledger.sqlite").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(Ledger, RequeuesRunningRowsAndRecordsRuns) {
  testing::TempDir dir;
  Result<Ledger> ledger = Ledger::open(dir / "ledger.sqlite");
  ASSERT_TRUE(ledger.ok());
  StudyRow running = full_row();
  running.path = "/data/running.dcm";
  running.status = StudyStatus::kRunning;
  StudyRow done = full_row();
  ASSERT_TRUE(ledger->put({running, done}).ok());
  EXPECT_EQ(ledger->requeue_running().value(), 1);
  EXPECT_EQ(ledger->find(running.path).value()->status, StudyStatus::kQueued);
  EXPECT_EQ(ledger->find(done.path).value()->status, StudyStatus::kDone);
  const std::vector<StudyRow> rows = ledger->rows().value();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LT(rows[0].path, rows[1].path);

  RunRecord run;
  run.started_utc = utc_now();
  run.dynamus_version = "0.1.0";
  run.params_hash = "p";
  run.shard = "1/4";
  ASSERT_TRUE(ledger->begin_run(run).ok());
  run.inputs = 7;
  run.skipped = 5;
  run.done = 1;
  run.failed = 1;
  run.finished_utc = utc_now();
  ASSERT_TRUE(ledger->finish_run(run).ok());
  const std::vector<RunRecord> runs = ledger->runs().value();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].shard, "1/4");
  EXPECT_EQ(runs[0].inputs, 7);
  EXPECT_EQ(runs[0].skipped, 5);
  EXPECT_FALSE(runs[0].interrupted);
}

// --push: one row per input, replaced by the next attempt, kept across reopening.
TEST(Ledger, KeepsTheLastPushOfEachStudy) {
  testing::TempDir dir;
  {
    Result<Ledger> ledger = Ledger::open(dir / "ledger.sqlite");
    ASSERT_TRUE(ledger.ok()) << ledger.status().to_string();
    ASSERT_TRUE(ledger->put_push({"/a.dcm", "studies/a", false, "HTTP 503", "t1"}).ok());
    ASSERT_TRUE(ledger->put_push({"/b.dcm", "studies/b", true, "", "t1"}).ok());
    ASSERT_TRUE(ledger->put_push({"/a.dcm", "studies/a2", true, "", "t2"}).ok());
  }
  Result<Ledger> ledger = Ledger::open(dir / "ledger.sqlite");
  ASSERT_TRUE(ledger.ok());
  const Result<std::map<std::string, PushRow>> pushes = ledger->pushes();
  ASSERT_TRUE(pushes.ok()) << pushes.status().to_string();
  ASSERT_EQ(pushes->size(), 2U);
  const PushRow& a = pushes->at("/a.dcm");
  EXPECT_EQ(a.result_folder, "studies/a2");
  EXPECT_TRUE(a.pushed);
  EXPECT_EQ(a.error_message, "");
  EXPECT_EQ(a.finished_utc, "t2");
  EXPECT_TRUE(pushes->at("/b.dcm").pushed);
}

TEST(Ledger, AnUnwritableLocationIsAnErrorNamingTheFile) {
  const Result<Ledger> ledger = Ledger::open("/proc/no/such/ledger.sqlite");
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().code(), StatusCode::kUnreadable);
  EXPECT_EQ(ledger.status().context(), "/proc/no/such/ledger.sqlite");
}

}  // namespace
}  // namespace dynamus::batch
