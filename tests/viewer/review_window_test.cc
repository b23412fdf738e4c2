// The review in the real window, driven as a sonographer drives it: keys play, step, select and
// accept; a mouse drag moves a gap-caliper end; the review file beside the analysis records it.
// And the analysis folder: written when missing, read back (the review restored), refused (exit
// 4) for an input that is not the one it analysed.
#include <QVTKOpenGLNativeWidget.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <QMouseEvent>
#include <QPushButton>
#include <QTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "apps/run_dynamus.h"
#include "cine_controller.h"
#include "dynamus/core/sha256.h"
#include "dynamus/imaging/load.h"
#include "main_window.h"
#include "review_controller.h"
#include "scene.h"
#include "temp_dir.h"
#include "wait_for.h"

namespace dynamus::view {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kReviewer = "test-sonographer";

fs::path sample(const std::string& name) { return fs::path(DYNAMUS_SAMPLE_DIR) / name; }

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

imaging::CineLoop tear_loop() {
  auto loop = imaging::load(sample("retracting-tear.dcm"));
  EXPECT_TRUE(loop.ok()) << loop.status().to_string();
  return std::move(loop).value();
}

// A window on the bundled tear scan, shown, its analysis done.
class OpenWindow {
 public:
  explicit OpenWindow(WindowOptions options) : window_(tear_loop(), std::move(options)) {
    window_.resize(1000, 800);
    window_.show();
    window_.activateWindow();
    EXPECT_TRUE(QTest::qWaitForWindowActive(&window_));
    EXPECT_TRUE(wait_for([&] { return window_.analysis_done(); }, 60000));
  }
  MainWindow& operator*() { return window_; }
  MainWindow* operator->() { return &window_; }

 private:
  MainWindow window_;
};

std::optional<std::size_t> tear_index(MainWindow& window) {
  const auto& found = window.review().review()->findings();
  for (std::size_t i = 0; i < found.size(); ++i)
    if (found[i].id == "tear") return i;
  return std::nullopt;
}

void send_mouse(QWidget* widget, QEvent::Type type, QPoint at) {
  const Qt::MouseButtons held = type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton;
  QMouseEvent event(type, at, Qt::LeftButton, held, Qt::NoModifier);
  QCoreApplication::sendEvent(widget, &event);
}

TEST(ReviewWindowTest, PlayStepSelectAndAcceptAreSavedBesideTheAnalysis) {
  const dynamus::testing::TempDir dir;
  {
    OpenWindow window({dir.path(), std::nullopt, kReviewer});
    ASSERT_TRUE(fs::exists(dir / "result.json")) << "the viewer wrote the analysis folder";
    ASSERT_TRUE(fs::exists(dir / "rest.png"));
    QTest::keyClick(&*window, Qt::Key_Space);
    EXPECT_TRUE(wait_for([&] { return window->cine().frame() >= 2; }, 3000));
    QTest::keyClick(&*window, Qt::Key_Space);
    const int paused_at = window->cine().frame();
    QTest::keyClick(&*window, Qt::Key_Right);
    EXPECT_EQ(window->cine().frame(), (paused_at + 1) % window->cine().frame_count());

    const auto tear = tear_index(*window);
    ASSERT_TRUE(tear) << "the retracting tear is a finding";
    const int findings = int(window->review().review()->findings().size());
    QTest::keyClick(&*window, Qt::Key_Tab);
    EXPECT_EQ(window->review().selected(), (*tear + 1) % findings);
    QTest::keyClick(&*window, Qt::Key_Backtab, Qt::ShiftModifier);
    EXPECT_EQ(window->review().selected(), *tear) << "Shift+Tab goes back";
    EXPECT_FALSE(fs::exists(dir / "review.test-sonographer.json")) << "nothing decided yet";
    QTest::keyClick(&*window, Qt::Key_A);

    const json saved = read_json(dir / "review.test-sonographer.json");
    EXPECT_EQ(saved.at("reviewer"), kReviewer);
    EXPECT_EQ(saved.at("result").at("sha256"), *sha256_file(dir / "result.json"));
    EXPECT_EQ(saved.at("input").at("sha256"), *sha256_file(sample("retracting-tear.dcm")));
    const json& finding = saved.at("findings").at(*tear);
    EXPECT_EQ(finding.at("id"), "tear");
    EXPECT_EQ(finding.at("decision"), "accepted");
    EXPECT_EQ(finding.at("decided_utc").get<std::string>().size(), 20u);
    EXPECT_NE(window->status_text().toStdString().find("saved review.test-sonographer.json"),
              std::string::npos)
        << window->status_text().toStdString();

    QTest::keyClick(&*window, Qt::Key_F1);
    EXPECT_TRUE(window->scene().help_shown());
    if (const char* dump = std::getenv("DYNAMUS_VIEW_TEST_DUMP"))
      window->grab().save(QString(dump) + "-help.png");
    QTest::keyClick(&*window, Qt::Key_F1);
    EXPECT_FALSE(window->scene().help_shown()) << "the help toggles off";
  }
  // Reopened on the folder, as --results DIR does: the decision is back, nothing re-written.
  const std::string result_before = *sha256_file(dir / "result.json");
  Result<review::StoredResult> stored = review::read_stored_result(dir.path());
  ASSERT_TRUE(stored.ok()) << stored.status().to_string();
  OpenWindow again({dir.path(), *stored, kReviewer});
  const auto tear = tear_index(*again);
  ASSERT_TRUE(tear);
  EXPECT_EQ(again->review().review()->findings()[*tear].decision, review::Decision::kAccepted);
  EXPECT_EQ(*sha256_file(dir / "result.json"), result_before) << "the analysis is never rewritten";
  EXPECT_EQ(again->status_text().toStdString().find("differs"), std::string::npos)
      << "the same deterministic analysis: " << again->status_text().toStdString();
}

TEST(ReviewWindowTest, DraggingAGapCaliperEndCorrectsTheGapByTheDraggedDistance) {
  const dynamus::testing::TempDir dir;
  OpenWindow window({dir.path(), std::nullopt, kReviewer});
  const auto tear = tear_index(*window);
  ASSERT_TRUE(tear);
  const review::Finding& finding = window->review().review()->findings()[*tear];
  const int frame = finding.key_frame;
  window->cine().set_frame(frame);
  window->review().select(*tear);
  const auto caliper = finding.corrected(frame).caliper_mm;
  ASSERT_TRUE(caliper) << "the tear has stump ends at peak";
  const double gap_mm = *finding.measurement_mm(frame);

  // Grab the distal end 2 px off its exact spot (within the pick radius) and drag it 30 px
  // distally, in three moves.
  const QPoint grab = window->to_widget((*caliper)[1]) + QPoint(2, 1);
  constexpr int kDragPx = 30;
  QWidget* view = window->view();
  send_mouse(view, QEvent::MouseButtonPress, grab);
  for (int step = 1; step <= 3; ++step)
    send_mouse(view, QEvent::MouseMove, grab + QPoint(kDragPx * step / 3, 0));
  const double dragged_mm =
      window->to_image(grab + QPoint(kDragPx, 0)).x_mm - window->to_image(grab).x_mm;
  // 30 px of the fitted view, whose scale the layout knows: the conversion goes through VTK.
  EXPECT_NEAR(dragged_mm, kDragPx / window->scene().layout().pixels_per_mm(), 1e-6);
  // Live: the label shows the new gap before the release; nothing is saved yet.
  bool live = false;
  for (const overlay::Caliper& c : window->scene().drawn().calipers) {
    if (c.layer == overlay::Layer::kGapCaliper)
      live = c.label == overlay::caliper_label(c.layer, gap_mm + dragged_mm) + ", corrected";
  }
  EXPECT_TRUE(live) << "the gap label follows the drag";
  EXPECT_FALSE(fs::exists(dir / "review.test-sonographer.json"));
  send_mouse(view, QEvent::MouseButtonRelease, grab + QPoint(kDragPx, 0));

  const json saved = read_json(dir / "review.test-sonographer.json");
  const json& corrected = saved.at("findings").at(*tear).at("corrected_frames").at(0);
  EXPECT_EQ(corrected.at("frame"), frame);
  // Exact up to the floating point of the two conversions: the end moves by the mouse's motion.
  EXPECT_NEAR(corrected.at("corrected_gap_mm").get<double>() - corrected.at("gap_mm").get<double>(),
              dragged_mm, 1e-6);
  EXPECT_NEAR(corrected.at("gap_mm").get<double>(), gap_mm, 1e-9);
  const json& correction = saved.at("findings").at(*tear).at("corrections").at(0);
  EXPECT_EQ(correction.at("handle"), "caliper-end");
  EXPECT_EQ(correction.at("index"), 1);
  // The caption band reports the corrected peak gap, and what was analysed.
  const std::string corrected_peak =
      fmt::format("{:.1f} mm (corrected from {:.1f}) at peak", gap_mm + dragged_mm, gap_mm);
  ASSERT_GE(window->scene().caption().size(), 2u);
  EXPECT_NE(window->scene().caption()[1].find(corrected_peak), std::string::npos)
      << window->scene().caption()[1];
  if (const char* dump = std::getenv("DYNAMUS_VIEW_TEST_DUMP"))
    window->grab().save(QString(dump) + "-corrected.png");

  QTest::keyClick(&*window, Qt::Key_Z, Qt::ControlModifier);
  EXPECT_EQ(window->scene().caption()[1].find("corrected"), std::string::npos)
      << "undone, the caption is the analysis' again";
  EXPECT_TRUE(read_json(dir / "review.test-sonographer.json")
                  .at("findings")
                  .at(*tear)
                  .at("corrections")
                  .empty())
      << "Ctrl+Z takes the correction back, saved";
  if (const char* dump = std::getenv("DYNAMUS_VIEW_TEST_DUMP"))
    window->grab().save(QString(dump) + "-selected.png");
}

TEST(ReviewWindowTest, CancelStopsTheAnalysisAndWritesNothing) {
  const dynamus::testing::TempDir dir;
  // The tear scan cycled 30 times (1200 frames, 92 MB: seconds of analysis), so the click lands
  // while the worker runs.
  const imaging::CineLoop scan = tear_loop();
  imaging::CineLoop::Parts parts;
  parts.width_px = scan.width_px();
  parts.height_px = scan.height_px();
  parts.frame_count = 30 * scan.frame_count();
  for (int f = 0; f < parts.frame_count; ++f) {
    const auto frame = scan.frame(f % scan.frame_count());
    parts.pixels.insert(parts.pixels.end(), frame.begin(), frame.end());
    parts.timing.timestamps_s.push_back(f / 20.0);
  }
  parts.timing.source = imaging::TimingSource::kUser;
  parts.calibration = scan.calibration();
  parts.region_px = {0, 0, scan.width_px() - 1, scan.height_px() - 1};
  parts.source.width_px = scan.width_px();
  parts.source.height_px = scan.height_px();
  auto loop = imaging::CineLoop::create(std::move(parts));
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  MainWindow window(std::move(loop).value(), {dir / "analysis", std::nullopt, kReviewer});
  window.show();
  QPushButton* cancel = nullptr;
  for (QPushButton* button : window.findChildren<QPushButton*>())
    if (button->text() == "Cancel") cancel = button;
  ASSERT_NE(cancel, nullptr);
  if (const char* dump = std::getenv("DYNAMUS_VIEW_TEST_DUMP")) {
    QTest::qWait(100);
    window.grab().save(QString(dump) + "-progress.png");
  }
  // While the worker tracks the first frame pairs.
  QTest::mouseClick(cancel, Qt::LeftButton);
  ASSERT_TRUE(wait_for([&] { return window.analysis_done(); }, 60000));
  EXPECT_NE(window.status_text().toStdString().find("analysis cancelled"), std::string::npos)
      << window.status_text().toStdString();
  EXPECT_FALSE(fs::exists(dir / "analysis")) << "no half-written folder";
  EXPECT_FALSE(window.review().active());
}

TEST(ReviewWindowTest, AFolderThatCannotBeWrittenLeavesTheReviewInMemory) {
  const dynamus::testing::TempDir dir;
  std::ofstream(dir / "a-file") << "a file where the folder's parent should be";
  OpenWindow window({dir / "a-file" / "analysis", std::nullopt, kReviewer});
  EXPECT_NE(window->status_text().toStdString().find("cannot write the analysis folder"),
            std::string::npos)
      << window->status_text().toStdString();
  ASSERT_TRUE(window->review().active()) << "the review goes on";
  QTest::keyClick(&*window, Qt::Key_R);
  const auto tear = tear_index(*window);
  ASSERT_TRUE(tear);
  EXPECT_EQ(window->review().review()->findings()[*tear].decision, review::Decision::kRejected);
  EXPECT_TRUE(window->review().file().empty()) << "not saved anywhere";
}

TEST(ReviewWindowTest, ResultsOfAnotherInputExit4) {
  const dynamus::testing::TempDir dir;
  const fs::path results = dir / "analysis";
  ASSERT_EQ(run_dynamus("analyze " + shell_quoted(sample("retracting-tear.dcm")) + " -o " +
                        shell_quoted(results))
                .exit_code,
            0);
  // The same loop with one byte of its last frame changed: a different sha256.
  const fs::path tampered = dir / "tampered.dcm";
  fs::copy_file(sample("retracting-tear.dcm"), tampered);
  {
    std::fstream file(tampered, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-100, std::ios::end);
    const char byte = char(file.get());
    file.seekp(-100, std::ios::end);
    file.put(char(byte ^ 0x55));
  }
  auto view = [&](const std::string& arguments) {
    const std::string command = std::string(DYNAMUS_VIEW_BIN) + " " + arguments + " 2>/dev/null";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  const fs::path png = dir / "out.png";
  EXPECT_EQ(view(shell_quoted(tampered) + " --results " + shell_quoted(results) + " --screenshot " +
                 shell_quoted(png)),
            4);
  EXPECT_EQ(view(shell_quoted(tampered) + " --results " + shell_quoted(results) +
                 " --reviewer x --size 300x200"),
            4)
      << "the window refuses it too, before it opens";
  EXPECT_FALSE(fs::exists(png));
  // Without INPUT, result.json's own input is opened.
  EXPECT_EQ(view("--results " + shell_quoted(results) + " --screenshot " + shell_quoted(png)), 0);
  EXPECT_TRUE(fs::exists(png));
  EXPECT_EQ(view("--results " + shell_quoted(dir / "empty") + " --screenshot " + shell_quoted(png)),
            2)
      << "a folder without result.json needs an INPUT";
}

}  // namespace
}  // namespace dynamus::view
