// run_batch with a stand-in worker (fake_worker.sh): studies that succeed, fail, crash or hang are
// each recorded as they ended while the others go on; a re-run skips what is done; options reach
// the worker; shards split the studies.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "dynamus/batch/batch.h"
#include "dynamus/batch/summary.h"
#include "read_text.h"
#include "temp_dir.h"

namespace dynamus::batch {
namespace {

namespace fs = std::filesystem;

class RunBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(inputs());
    write("a_good.dcm", "good 0.25");
    write("b_good.dcm", "good 0.75");
    write("c_bad.dcm", "bad");
    write("d_crash.dcm", "crash");
  }
  void write(const std::string& name, const std::string& content) {
    std::ofstream(inputs() / name) << content << '\n';
  }
  fs::path inputs() const { return dir_ / "in"; }
  BatchOptions options(const std::string& out) const {
    BatchOptions o;
    o.inputs = {inputs()};
    o.output_dir = dir_ / out;
    o.worker.executable = DYNAMUS_FAKE_WORKER;
    o.worker.leading_args = {"analyze"};
    o.worker.extra_args = {"--tracker", "farneback"};
    o.worker.environment = {"DYNAMUS_FAKE_SETTING=from-batch"};
    o.jobs = 2;
    return o;
  }
  StudyRow row(const std::string& out, const std::string& name) const {
    const Result<Ledger> ledger = Ledger::open(dir_ / out / kLedgerFileName);
    return *ledger->find((inputs() / name).string()).value();
  }

  testing::TempDir dir_;
};

TEST_F(RunBatch, RecordsEachStudyAsItEndedAndGoesOn) {
  write("e_hang.dcm", "hang");
  BatchOptions o = options("out");
  o.timeout_s = 0.5;
  const Result<BatchResult> result = run_batch(o);
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(result->exit_code, 1);
  EXPECT_EQ(result->run.inputs, 5);
  EXPECT_EQ(result->run.done, 2);
  EXPECT_EQ(result->run.failed, 3);

  const StudyRow good = row("out", "b_good.dcm");
  EXPECT_EQ(good.status, StudyStatus::kDone);
  EXPECT_EQ(good.measures.score, 0.75);
  EXPECT_EQ(good.measures.gap_peak_mm, 4.5);
  EXPECT_EQ(good.sha256.size(), 64u);
  EXPECT_EQ(good.result_folder, "studies/" + good.key);
  EXPECT_EQ(testing::read_text(dir_ / "out" / good.result_folder / "args.txt"),
            "--tracker farneback\n");
  EXPECT_EQ(testing::read_text(dir_ / "out" / good.result_folder / "environment.txt"),
            "from-batch\n");
  EXPECT_TRUE(fs::exists(dir_ / "out" / good.result_folder / kFindingsFileName));
  EXPECT_FALSE(good.started_utc.empty());
  EXPECT_FALSE(good.finished_utc.empty());

  const StudyRow bad = row("out", "c_bad.dcm");
  EXPECT_EQ(bad.status, StudyStatus::kFailed);
  EXPECT_EQ(bad.error_code, 4);
  EXPECT_EQ(bad.error_message, "truncated: the file ends early");
  EXPECT_TRUE(bad.result_folder.empty());
  const StudyRow crash = row("out", "d_crash.dcm");
  EXPECT_EQ(crash.error_code, 5);
  EXPECT_NE(crash.error_message.find("signal 11"), std::string::npos) << crash.error_message;
  const StudyRow hang = row("out", "e_hang.dcm");
  EXPECT_EQ(hang.error_code, 5);
  EXPECT_NE(hang.error_message.find("timed out"), std::string::npos) << hang.error_message;

  // Only the done studies have folders; nothing temporary is left.
  std::set<std::string> folders;
  for (const auto& entry : fs::directory_iterator(dir_ / "out" / kStudiesFolderName))
    folders.insert(entry.path().filename().string());
  EXPECT_EQ(folders, (std::set<std::string>{row("out", "a_good.dcm").key, good.key}));
  // The summary ranks by score.
  const std::string csv = testing::read_text(dir_ / "out" / kSummaryCsvName);
  EXPECT_LT(csv.find("b_good"), csv.find("a_good"));
  EXPECT_LT(csv.find("a_good"), csv.find("c_bad"));
}

TEST_F(RunBatch, ARerunSkipsWhatIsDoneAndOtherOptionsRunAgain) {
  ASSERT_TRUE(run_batch(options("out")).ok());
  const std::string first_started = row("out", "a_good.dcm").started_utc;
  const std::string summary = testing::read_text(dir_ / "out" / kSummaryCsvName);

  const Result<BatchResult> again = run_batch(options("out"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run.skipped, 4);
  EXPECT_EQ(again->run.done + again->run.failed, 0);
  EXPECT_EQ(again->exit_code, 1);  // the failures are still failures
  EXPECT_EQ(row("out", "a_good.dcm").started_utc, first_started);
  EXPECT_EQ(testing::read_text(dir_ / "out" / kSummaryCsvName), summary);

  BatchOptions retry = options("out");
  retry.retry_failed = true;
  EXPECT_EQ(run_batch(retry)->run.failed, 2);

  BatchOptions other = options("out");
  other.worker.extra_args = {"--step", "8"};
  const Result<BatchResult> changed = run_batch(other);
  EXPECT_EQ(changed->run.skipped, 0);
  EXPECT_EQ(changed->run.done, 2);
  EXPECT_EQ(testing::read_text(dir_ / "out" / row("out", "a_good.dcm").result_folder / "args.txt"),
            "--step 8\n");
}

TEST_F(RunBatch, AChangedInputIsAnalysedAgainUnderItsNewKey) {
  ASSERT_TRUE(run_batch(options("out")).ok());
  const StudyRow before = row("out", "a_good.dcm");
  write("a_good.dcm", "good 0.5");
  const Result<BatchResult> again = run_batch(options("out"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run.done, 1);
  EXPECT_EQ(again->run.skipped, 3);
  const StudyRow after = row("out", "a_good.dcm");
  EXPECT_NE(after.key, before.key);
  EXPECT_EQ(after.measures.score, 0.5);
  EXPECT_EQ(after.result_folder, "studies/" + after.key);
  EXPECT_TRUE(fs::exists(dir_ / "out" / after.result_folder / "result.json"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / before.result_folder));  // no row points at it now
}

TEST_F(RunBatch, ResumeCleansWhatAKilledRunLeftAndRunsItsStudiesAgain) {
  ASSERT_TRUE(run_batch(options("out")).ok());
  // As a batch killed mid-study leaves it: a row marked running and a half-written folder.
  StudyRow interrupted = row("out", "a_good.dcm");
  interrupted.status = StudyStatus::kRunning;
  ASSERT_TRUE(Ledger::open(dir_ / "out" / kLedgerFileName)->put({interrupted}).ok());
  const fs::path stale = dir_ / "out" / kStudiesFolderName / (interrupted.key + ".tmp-99999");
  fs::create_directories(stale);
  std::ofstream(stale / "frames.csv") << "partial";

  const Result<BatchResult> resumed = run_batch(options("out"));
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->run.done, 1);
  EXPECT_EQ(resumed->run.skipped, 3);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(row("out", "a_good.dcm").status, StudyStatus::kDone);
}

TEST_F(RunBatch, ShardsCoverEveryStudyOnceAndTheSameBytesAtTwoPathsAreOneAnalysis) {
  write("f_twin.dcm", "good 0.25");  // the same bytes as a_good.dcm
  std::set<std::string> seen;
  int inputs = 0;
  for (int index = 0; index < 2; ++index) {
    BatchOptions o = options("shard" + std::to_string(index));
    o.shard = Shard{index, 2};
    const Result<BatchResult> result = run_batch(o);
    ASSERT_TRUE(result.ok());
    inputs += result->run.inputs;
    const std::vector<StudyRow> rows = Ledger::open(o.output_dir / kLedgerFileName)->rows().value();
    for (const StudyRow& r : rows)
      EXPECT_TRUE(seen.insert(r.path).second) << r.path << " in two shards";
  }
  EXPECT_EQ(inputs, 5);
  EXPECT_EQ(seen.size(), 5u);

  const Result<BatchResult> whole = run_batch(options("whole"));
  EXPECT_EQ(whole->run.done, 3);
  EXPECT_EQ(row("whole", "f_twin.dcm").result_folder, row("whole", "a_good.dcm").result_folder);
}

TEST_F(RunBatch, SigtermStopsCleanlyAndPutsRunningStudiesBackInTheQueue) {
  write("e_hang.dcm", "hang");
  BatchOptions o = options("out");
  o.jobs = 1;
  o.inputs = {inputs() / "a_good.dcm", inputs() / "e_hang.dcm", inputs() / "b_good.dcm"};
  // Stop the batch once the hanging study is running (bounded wait: a broken batch fails here).
  std::thread stopper([&] {
    const fs::path ledger = o.output_dir / kLedgerFileName;
    for (int i = 0; i < 3000; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (!fs::exists(ledger)) continue;
      const Result<Ledger> reader = Ledger::open(ledger);
      if (!reader.ok()) continue;
      const Result<std::optional<StudyRow>> hang = reader->find((inputs() / "e_hang.dcm").string());
      if (hang.ok() && hang->has_value() && (*hang)->status == StudyStatus::kRunning) break;
    }
    ::kill(::getpid(), SIGTERM);
  });
  const Result<BatchResult> result = run_batch(o);
  stopper.join();
  ASSERT_TRUE(result.ok()) << result.status().to_string();
  EXPECT_EQ(result->stop_signal, SIGTERM);
  EXPECT_TRUE(result->run.interrupted);
  EXPECT_EQ(row("out", "a_good.dcm").status, StudyStatus::kDone);
  EXPECT_EQ(row("out", "e_hang.dcm").status, StudyStatus::kQueued);
  EXPECT_EQ(row("out", "b_good.dcm").status, StudyStatus::kQueued);
  for (const auto& entry : fs::directory_iterator(o.output_dir / kStudiesFolderName))
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
  // The summary was written on the way out.
  const std::string queued = "e_hang.dcm," + row("out", "e_hang.dcm").key + ",queued";
  EXPECT_NE(testing::read_text(o.output_dir / kSummaryCsvName).find(queued), std::string::npos);
}

TEST_F(RunBatch, RefusesASecondBatchOnTheSameFolderMissingInputsAndNoWorkers) {
  BatchOptions o = options("out");
  fs::create_directories(o.output_dir);
  {
    // Another process writing the folder holds its lock.
    const int fd = ::open((o.output_dir / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    const Result<BatchResult> busy = run_batch(o);
    EXPECT_EQ(busy.status().code(), StatusCode::kUnreadable);
    EXPECT_NE(busy.status().message().find("another"), std::string::npos);
    ::close(fd);
  }
  o.inputs = {dir_ / "missing"};
  EXPECT_EQ(run_batch(o).status().code(), StatusCode::kNotFound);
  o.jobs = 0;
  EXPECT_EQ(run_batch(o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dynamus::batch
