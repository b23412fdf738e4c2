// `dynamus batch` and `dynamus merge` as a user runs them, over simulator studies with a corrupt
// copy and a junk file: good studies scored and ranked, bad ones recorded with their error; a
// re-run does nothing; a batch killed with SIGKILL resumes to the summary of an uninterrupted run;
// two shards merged give the unsharded summary; a DICOMDIR is honoured.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "read_text.h"
#include "run_dynamus.h"
#include "temp_dir.h"

namespace dynamus {
namespace {

namespace fs = std::filesystem;

std::vector<nlohmann::json> studies(const fs::path& batch_dir) {
  const nlohmann::json summary =
      nlohmann::json::parse(testing::read_text(batch_dir / "summary.json"));
  return summary["studies"].get<std::vector<nlohmann::json>>();
}

std::string quoted(const fs::path& path) { return shell_quoted(path); }

class BatchCommand : public ::testing::Test {
 protected:
  // The inputs and an uninterrupted, unsharded reference run, made once for the suite.
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("dynamus_batch_command_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(inputs());
    for (const char* scenario : {"healthy", "tendinopathy", "partial-tear", "full-tear"}) {
      const CommandRun run =
          run_dynamus(std::string("simulate --frames 12 --size 320x240 --scenario ") + scenario +
                      " -o " + quoted(inputs() / scenario));
      ASSERT_EQ(run.exit_code, 0) << scenario;
    }
    // A truncated copy of a good study and a file that is no loop at all.
    const std::string full = testing::read_text(inputs() / "full-tear.dcm");
    std::ofstream(inputs() / "corrupt.dcm", std::ios::binary) << full.substr(0, full.size() / 3);
    std::ofstream(inputs() / "notes.txt") << "not a cine loop\n";
    reference_exit_ =
        run_dynamus("batch " + quoted(inputs()) + " -o " + quoted(reference()) + " --jobs 2")
            .exit_code;
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  static fs::path inputs() { return root_ / "in"; }
  static fs::path reference() { return root_ / "reference"; }

  static fs::path root_;
  static int reference_exit_;
};

fs::path BatchCommand::root_;
int BatchCommand::reference_exit_ = -1;

TEST_F(BatchCommand, ScoresGoodStudiesRanksThemAndRecordsBadOnesWithTheirError) {
  EXPECT_EQ(reference_exit_, 1);  // some inputs failed
  const std::vector<nlohmann::json> rows = studies(reference());
  ASSERT_EQ(rows.size(), 6u);  // the .truth.json files are not studies
  std::map<std::string, nlohmann::json> by_name;
  for (const nlohmann::json& row : rows) by_name[fs::path(row["path"]).filename()] = row;
  for (const char* name :
       {"healthy.dcm", "tendinopathy.dcm", "partial-tear.dcm", "full-tear.dcm"}) {
    const nlohmann::json& row = by_name[name];
    EXPECT_EQ(row["status"], "done") << name;
    const fs::path result = reference() / row["result_folder"].get<std::string>() / "result.json";
    EXPECT_EQ(nlohmann::json::parse(testing::read_text(result))["schema"], "dynamus.analysis/1")
        << name;
    EXPECT_TRUE(row["tendon_thickness_median_mm"].is_number()) << name;
  }
  EXPECT_EQ(by_name["full-tear.dcm"]["kind"], "full");
  EXPECT_EQ(by_name["partial-tear.dcm"]["kind"], "partial");
  EXPECT_EQ(by_name["healthy.dcm"]["kind"], "none");
  EXPECT_EQ(by_name["corrupt.dcm"]["status"], "failed");
  EXPECT_EQ(by_name["corrupt.dcm"]["error"]["code"], 4);
  EXPECT_NE(by_name["corrupt.dcm"]["error"]["message"].get<std::string>().find("truncated"),
            std::string::npos);
  EXPECT_EQ(by_name["notes.txt"]["error"]["code"], 3);
  // Ranked by tear score: the full tear first, the failures last.
  EXPECT_EQ(fs::path(rows.front()["path"]).filename(), "full-tear.dcm");
  for (std::size_t i = 1; i < 4; ++i)
    EXPECT_GE(rows[i - 1]["score"].get<double>(), rows[i]["score"].get<double>());
  EXPECT_EQ(rows[4]["status"], "failed");
  // One folder per done study, nothing temporary.
  int folders = 0;
  for (const auto& entry : fs::directory_iterator(reference() / "studies")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos);
    ++folders;
  }
  EXPECT_EQ(folders, 4);
  const std::string csv = testing::read_text(reference() / "summary.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "rank,path,key,status,kind,score,gap_rest_mm,gap_peak_mm,separation_increase_mm,"
            "tendon_thickness_median_mm,thickening,result_folder,error_code,error");
}

TEST_F(BatchCommand, ARerunDoesNoWorkAndTheLedgerSaysSkipped) {
  testing::TempDir dir;
  fs::copy(reference(), dir / "batch", fs::copy_options::recursive);
  const std::string before = testing::read_text(dir / "batch/summary.csv");
  const CommandRun run = run_dynamus("batch " + quoted(inputs()) + " -o " + quoted(dir / "batch"));
  EXPECT_EQ(run.exit_code, 1);
  const fs::path runs = dir / "batch/runs.txt";
  ASSERT_EQ(std::system(("sqlite3 " + quoted(dir / "batch/ledger.sqlite") +
                         " 'SELECT inputs, skipped, done, failed FROM runs ORDER BY id' > " +
                         quoted(runs))
                            .c_str()),
            0);
  EXPECT_EQ(testing::read_text(runs), "6|0|4|2\n6|6|0|0\n");
  EXPECT_EQ(testing::read_text(dir / "batch/summary.csv"), before);
}

TEST_F(BatchCommand, AKilledBatchResumesToTheSummaryOfAnUninterruptedRun) {
  testing::TempDir dir;
  const fs::path out = dir / "batch";
  const std::string program = std::string(DYNAMUS_BINARY_DIR) + "/bin/dynamus";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // its own process group, workers included, as a job scheduler kills it
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(null_fd, STDERR_FILENO);
    ::execl(program.c_str(), program.c_str(), "batch", inputs().c_str(), "-o", out.c_str(),
            "--jobs", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  ::setpgid(pid, pid);
  // Kill the group as soon as the first study folder is in place (perhaps before the ledger
  // marks it done: the resume must cope with either). Bounded, so a broken batch cannot hang the
  // test.
  bool first_done = false;
  for (int i = 0; i < 6000 && !first_done; ++i) {
    std::error_code error;
    for (fs::directory_iterator it(out / "studies", error), end; !error && it != end;
         it.increment(error)) {
      if (it->path().filename().string().find(".tmp-") == std::string::npos) first_done = true;
    }
    if (!first_done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::killpg(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(first_done);
  ASSERT_TRUE(WIFSIGNALED(status));

  const CommandRun resumed = run_dynamus("batch " + quoted(inputs()) + " -o " + quoted(out));
  EXPECT_EQ(resumed.exit_code, 1);
  EXPECT_EQ(testing::read_text(out / "summary.csv"),
            testing::read_text(reference() / "summary.csv"));
  EXPECT_EQ(testing::read_text(out / "summary.json"),
            testing::read_text(reference() / "summary.json"));
  int folders = 0;
  for (const auto& entry : fs::directory_iterator(out / "studies")) {
    EXPECT_TRUE(fs::exists(entry.path() / "result.json")) << entry.path();
    ++folders;
  }
  EXPECT_EQ(folders, 4);
}

TEST_F(BatchCommand, TwoShardsMergedGiveTheUnshardedSummary) {
  testing::TempDir dir;
  std::string shard_dirs;
  for (const char* shard : {"0/2", "1/2"}) {
    const fs::path out = dir / ("shard" + std::string(1, shard[0]));
    const int code =
        run_dynamus("batch " + quoted(inputs()) + " -o " + quoted(out) + " --shard " + shard)
            .exit_code;
    EXPECT_TRUE(code == 0 || code == 1 || code == 3 || code == 4) << code;
    shard_dirs += " " + quoted(out);
  }
  EXPECT_EQ(run_dynamus("merge" + shard_dirs + " -o " + quoted(dir / "merged")).exit_code, 1);
  EXPECT_EQ(testing::read_text(dir / "merged/summary.csv"),
            testing::read_text(reference() / "summary.csv"));
  EXPECT_EQ(testing::read_text(dir / "merged/summary.json"),
            testing::read_text(reference() / "summary.json"));
  EXPECT_EQ(studies(dir / "shard0").size() + studies(dir / "shard1").size(), 6u);
}

TEST_F(BatchCommand, HonoursADicomdirAndPassesAnalyzeOptionsThrough) {
  if (std::system("command -v dcmmkdir > /dev/null") != 0) GTEST_SKIP() << "dcmmkdir missing";
  testing::TempDir dir;
  fs::create_directories(dir / "disc/IMAGES");
  fs::copy_file(inputs() / "healthy.dcm", dir / "disc/IMAGES/IMG00001");
  fs::copy_file(inputs() / "full-tear.dcm", dir / "disc/IMAGES/IMG00002");
  std::ofstream(dir / "disc/IMAGES/README") << "not referenced by the DICOMDIR\n";
  // +I invents the study attributes the simulator does not write (StudyDate, StudyID).
  ASSERT_EQ(std::system(("cd " + quoted(dir / "disc") +
                         " && dcmmkdir -q +I IMAGES/IMG00001 IMAGES/IMG00002")
                            .c_str()),
            0);
  const CommandRun run =
      run_dynamus("batch " + quoted(dir / "disc") + " -o " + quoted(dir / "batch") +
                  " --analyze-arg=--tracker --analyze-arg=dis-fast");
  EXPECT_EQ(run.exit_code, 0);
  const std::vector<nlohmann::json> rows = studies(dir / "batch");
  ASSERT_EQ(rows.size(), 2u);  // README is not in the DICOMDIR
  EXPECT_EQ(fs::path(rows[0]["path"]).filename(), "IMG00002");
  const nlohmann::json result = nlohmann::json::parse(testing::read_text(
      dir / "batch" / rows[0]["result_folder"].get<std::string>() / "result.json"));
  EXPECT_EQ(result["params"]["tracker"], "dis-fast");
}

TEST_F(BatchCommand, UsageErrorsAndUidManifestsLeaveNoOutput) {
  testing::TempDir dir;
  EXPECT_EQ(run_dynamus("batch " + quoted(inputs()) + " -o " + quoted(dir / "a") + " --shard 2/2")
                .exit_code,
            2);
  std::ofstream(dir / "uids.csv") << "study_uid\n1.2.840.1\n";
  EXPECT_EQ(run_dynamus("batch " + quoted(dir / "uids.csv") + " -o " + quoted(dir / "b")).exit_code,
            3);
  EXPECT_EQ(run_dynamus("batch " + quoted(dir / "missing") + " -o " + quoted(dir / "c")).exit_code,
            3);
  for (const char* out : {"a", "b", "c"}) EXPECT_FALSE(fs::exists(dir / out)) << out;
  EXPECT_EQ(run_dynamus("merge " + quoted(dir.path()) + " -o " + quoted(dir / "d")).exit_code, 3);
}

// --pacs: a PACS that does not answer stops the batch with exit 3 and a line naming its URL;
// --push without --pacs, or no input at all, is a usage error.
TEST_F(BatchCommand, PacsErrors) {
  testing::TempDir dir;
  const testing::CommandRun unreachable = testing::run_command(
      std::string(DYNAMUS_BINARY_DIR) +
      "/bin/dynamus batch --pacs http://127.0.0.1:9/dicom-web -o " + quoted(dir / "a") + " 2>&1");
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_NE(unreachable.out.find("http://127.0.0.1:9/dicom-web/studies"), std::string::npos)
      << unreachable.out;
  EXPECT_EQ(
      run_dynamus("batch " + quoted(inputs()) + " -o " + quoted(dir / "b") + " --push").exit_code,
      2);
  EXPECT_EQ(run_dynamus("batch -o " + quoted(dir / "c")).exit_code, 2);
  for (const char* out : {"a", "b", "c"}) EXPECT_FALSE(fs::exists(dir / out)) << out;
}

}  // namespace
}  // namespace dynamus
