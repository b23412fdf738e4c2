// `dynamus-view FOLDER`: a folder of three bundled scans, one analysed and reviewed beforehand,
// the other two analysed in the background; the list ranked by tear score with each study's
// review state; PageDown / PageUp move between studies. And a batch folder read through its
// summary.json.
#include "study_browser.h"

#include <gtest/gtest.h>

#include <QListWidget>
#include <QTest>
#include <filesystem>
#include <fstream>

#include "apps/run_dynamus.h"
#include "dynamus/batch/summary.h"
#include "main_window.h"
#include "review_controller.h"
#include "run_view.h"
#include "scene.h"
#include "study_list.h"
#include "temp_dir.h"
#include "wait_for.h"

namespace dynamus::view {
namespace {

namespace fs = std::filesystem;

const fs::path kSamples(DYNAMUS_SAMPLE_DIR);

// An earlier reviewer's verdict on the analysed study, in the file format the viewer writes.
void write_earlier_review(const fs::path& dir) {
  std::ofstream(dir / "review.earlier.json") << R"({"schema": "dynamus.review/1",
    "reviewer": "earlier", "updated_utc": "2026-12-01T10:00:00Z",
    "findings": [{"id": "tear", "decision": "accepted"}]})";
}

TEST(StudyListTest, AFolderOfInputsRankedByScoreWithTheirReviews) {
  const dynamus::testing::TempDir dir;
  for (const char* name : {"healthy", "full-tear", "partial-tear"})
    fs::copy_file(kSamples / (std::string(name) + ".dcm"), dir / (std::string(name) + ".dcm"));
  EXPECT_TRUE(is_study_folder(dir.path()));
  EXPECT_FALSE(is_study_folder(dir / "healthy.dcm"));
  ASSERT_EQ(run_dynamus("analyze " + shell_quoted(dir / "full-tear.dcm") + " -o " +
                        shell_quoted(dir / "full-tear.dcm.dynamus"))
                .exit_code,
            0);
  write_earlier_review(dir / "full-tear.dcm.dynamus");

  auto studies = open_study_folder(dir.path());
  ASSERT_TRUE(studies.ok()) << studies.status().to_string();
  ASSERT_EQ(studies->size(), 3u) << "the analysis folder's files are no studies";
  const Study& first = (*studies)[0];
  EXPECT_EQ(fs::path(first.row.path).filename(), "full-tear.dcm") << "the only one scored";
  EXPECT_EQ(first.row.status, batch::StudyStatus::kDone);
  ASSERT_TRUE(first.row.measures.score);
  EXPECT_EQ(first.review, "earlier: 1 accepted");
  EXPECT_NE(study_line(first).find("full tear"), std::string::npos) << study_line(first);
  EXPECT_EQ((*studies)[1].row.status, batch::StudyStatus::kQueued);
  EXPECT_NE(study_line((*studies)[1]).find("not analysed yet\nnot reviewed"), std::string::npos);

  const dynamus::testing::TempDir empty;
  EXPECT_EQ(open_study_folder(empty.path()).status().code(), StatusCode::kNotFound);
}

TEST(StudyListTest, ABatchFolderInItsSummarysOrder) {
  const dynamus::testing::TempDir dir;
  batch::StudyRow low, high, failed;
  low.path = "/scans/low.dcm", low.status = batch::StudyStatus::kDone, low.measures.score = 0.2;
  low.result_folder = "studies/low";
  high.path = "/scans/high.dcm", high.status = batch::StudyStatus::kDone;
  high.measures.score = 0.9, high.result_folder = "studies/high";
  failed.path = "/scans/broken.dcm", failed.status = batch::StudyStatus::kFailed;
  failed.error_code = 4, failed.error_message = "truncated pixel data";
  ASSERT_TRUE(batch::write_summary(dir.path(), {low, failed, high}).ok());
  // The studies the batch did have their result.json (what the list reads its scores from).
  for (const auto& [name, result] :
       {std::pair{"high", R"({"tear": {"kind": "full", "score": 0.9}})"},
        std::pair{"low", R"({"tear": {"kind": "none", "score": 0.2}})"}}) {
    fs::create_directories(dir / "studies" / name);
    std::ofstream(dir / "studies" / name / "result.json") << result;
  }
  write_earlier_review(dir / "studies/high");
  EXPECT_TRUE(is_study_folder(dir.path()));

  auto studies = open_study_folder(dir.path());
  ASSERT_TRUE(studies.ok()) << studies.status().to_string();
  ASSERT_EQ(studies->size(), 3u);
  EXPECT_EQ((*studies)[0].row.path, "/scans/high.dcm");
  EXPECT_EQ((*studies)[0].analysis_dir, dir / "studies/high");
  EXPECT_EQ((*studies)[0].review, "earlier: 1 accepted");
  EXPECT_EQ((*studies)[1].row.path, "/scans/low.dcm");
  EXPECT_EQ((*studies)[2].row.status, batch::StudyStatus::kFailed);
  EXPECT_NE(study_line((*studies)[2]).find("failed: truncated pixel data"), std::string::npos);
}

TEST(StudyListTest, TheCommandLineTakesAFolderOfStudiesOnlyForTheWindow) {
  const dynamus::testing::TempDir dir;
  fs::copy_file(kSamples / "healthy.dcm", dir / "healthy.dcm");
  const fs::path png = dir / "shot.png";
  EXPECT_EQ(run_view(shell_quoted(dir.path()) + " --screenshot " + shell_quoted(png)), 2);
  EXPECT_EQ(run_view(shell_quoted(dir.path()) + " --results " + shell_quoted(dir / "r")), 2);
  EXPECT_FALSE(fs::exists(png));
  const dynamus::testing::TempDir empty;
  EXPECT_EQ(run_view(shell_quoted(empty.path()) + " --reviewer test"), 3) << "no study in it";
}

TEST(StudyBrowserTest, AnalysesInTheBackgroundRanksAndStepsThroughTheStudies) {
  const dynamus::testing::TempDir dir;
  for (const char* name : {"healthy", "full-tear", "partial-tear"})
    fs::copy_file(kSamples / (std::string(name) + ".dcm"), dir / (std::string(name) + ".dcm"));
  ASSERT_EQ(run_dynamus("analyze " + shell_quoted(dir / "healthy.dcm") + " -o " +
                        shell_quoted(dir / "healthy.dcm.dynamus"))
                .exit_code,
            0);
  auto studies = open_study_folder(dir.path());
  ASSERT_TRUE(studies.ok()) << studies.status().to_string();

  StudyBrowser browser(std::move(studies).value(), "test");
  // Before the event loop runs no background result can have arrived.
  EXPECT_EQ(fs::path(browser.studies()[0].row.path).filename(), "healthy.dcm")
      << "the analysed one first until the others have scores";
  EXPECT_TRUE(browser.background_running()) << "the other two are analysed meanwhile";
  browser.resize(1320, 800);
  browser.show();
  browser.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&browser));
  ASSERT_NE(browser.study_window(), nullptr);

  ASSERT_TRUE(wait_for([&] { return !browser.background_running(); }, 180000));
  ASSERT_TRUE(wait_for([&] { return browser.study_window()->analysis_done(); }, 60000));
  ASSERT_EQ(browser.studies().size(), 3u);
  for (const Study& study : browser.studies()) {
    EXPECT_EQ(study.row.status, batch::StudyStatus::kDone)
        << study_line(study) << " | " << browser.status_text().toStdString();
    EXPECT_TRUE(fs::exists(study.analysis_dir / "result.json")) << study.analysis_dir;
  }
  // Ranked by the scores the background analyses found: the full tear first.
  EXPECT_EQ(fs::path(browser.studies()[0].row.path).filename(), "full-tear.dcm");
  for (std::size_t i = 1; i < browser.studies().size(); ++i) {
    EXPECT_GE(browser.studies()[i - 1].row.measures.score.value_or(-1),
              browser.studies()[i].row.measures.score.value_or(-1));
  }
  EXPECT_EQ(browser.list()->count(), 3);
  EXPECT_EQ(fs::path(browser.studies()[std::size_t(browser.current())].row.path).filename(),
            "healthy.dcm")
      << "re-ranking keeps the open study open";
  EXPECT_EQ(browser.list()->currentRow(), browser.current());

  // PageUp / PageDown walk the list; the window shows that study's loop.
  auto open_name = [&] {
    return fs::path(browser.study_window()->scene().loop().source().path).filename().string();
  };
  while (browser.current() > 0) QTest::keyClick(&browser, Qt::Key_PageUp);
  EXPECT_EQ(open_name(), "full-tear.dcm");
  QTest::keyClick(&browser, Qt::Key_PageUp);
  EXPECT_EQ(browser.current(), 0) << "no study before the first";
  QTest::keyClick(&browser, Qt::Key_PageDown);
  EXPECT_EQ(browser.current(), 1);
  EXPECT_EQ(open_name(), fs::path(browser.studies()[1].row.path).filename().string());
  QTest::keyClick(&browser, Qt::Key_PageUp);
  ASSERT_EQ(open_name(), "full-tear.dcm");

  // Accepting the tear shows in the list at once (the review file is saved on every change).
  MainWindow* window = browser.study_window();
  ASSERT_TRUE(wait_for([&] { return window->analysis_done(); }, 60000));
  ASSERT_TRUE(window->review().active());
  QTest::keyClick(&browser, Qt::Key_Tab);
  QTest::keyClick(&browser, Qt::Key_A);
  EXPECT_TRUE(browser.list()->item(0)->text().contains("test: 1 accepted"))
      << browser.list()->item(0)->text().toStdString();
  if (const char* dump = std::getenv("DYNAMUS_VIEW_TEST_DUMP"))
    browser.grab().save(QString(dump) + "-studies.png");
}

}  // namespace
}  // namespace dynamus::view
