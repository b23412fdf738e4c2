// The cine's speed and loop range: playback timed by the loop's own frame times over the speed,
// in and out points that bound what plays (and what Ctrl+Shift+E exports), and the keys, the
// speed control and the slider in the window.
#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QTest>
#include <filesystem>
#include <set>

#include "cine_controller.h"
#include "cine_slider.h"
#include "dynamus/imaging/load.h"
#include "main_window.h"
#include "wait_for.h"

namespace dynamus::view {
namespace {

constexpr double kExactMs = 1e-9;

TEST(CineControllerTest, EachFrameShowsForItsOwnIntervalOverTheSpeed) {
  // Irregular frame times, as a scanner that dropped a frame records them.
  CineController cine(4, {0.0, 0.1, 0.3, 0.35});
  EXPECT_NEAR(cine.display_ms(0), 100.0, kExactMs);
  EXPECT_NEAR(cine.display_ms(1), 200.0, kExactMs) << "the dropped frame's gap is kept";
  EXPECT_NEAR(cine.display_ms(2), 50.0, kExactMs);
  EXPECT_NEAR(cine.display_ms(3), 100.0, kExactMs) << "wrapping: the median interval";
  cine.set_speed(2.0);
  EXPECT_NEAR(cine.display_ms(1), 100.0, kExactMs);
  cine.set_speed(0.25);
  EXPECT_NEAR(cine.display_ms(1), 800.0, kExactMs);
  cine.set_speed(8.0);
  EXPECT_EQ(cine.speed(), 2.0) << "clamped to 2x";
  cine.set_speed(0.01);
  EXPECT_EQ(cine.speed(), 0.25) << "clamped to 0.25x";

  CineController untimed(3, {});
  EXPECT_NEAR(untimed.display_ms(0), 1000.0 / CineController::kFallbackFps, kExactMs);
  EXPECT_NEAR(untimed.time_s(2), 2.0 / CineController::kFallbackFps, kExactMs);
}

TEST(CineControllerTest, FasterAndSlowerStepThroughTheSpeeds) {
  CineController cine(2, {0.0, 0.05});
  std::vector<double> seen;
  QObject::connect(&cine, &CineController::speed_changed, [&](double s) { seen.push_back(s); });
  cine.faster();
  cine.faster();
  cine.faster();  // already at 2x: no change
  EXPECT_EQ(seen, (std::vector<double>{1.5, 2.0}));
  for (int i = 0; i < 6; ++i) cine.slower();
  EXPECT_EQ(cine.speed(), 0.25);
  EXPECT_EQ(seen.size(), 7u)
      << "up 1.5 2, down 1.5 1 0.75 0.5 0.25; the sixth step down is no change";
}

TEST(CineControllerTest, InAndOutPointsBoundWhatPlays) {
  std::vector<double> times;
  for (int f = 0; f < 10; ++f) times.push_back(f * 0.01);  // 100 fps: quick loops for the test
  CineController cine(10, times);
  EXPECT_FALSE(cine.loop_range());
  EXPECT_EQ(cine.play_range(), (FrameRange{0, 9}));
  cine.set_frame(6);
  cine.set_out_point();
  EXPECT_EQ(cine.play_range(), (FrameRange{0, 6}));
  cine.set_frame(3);
  cine.set_in_point();
  EXPECT_EQ(cine.play_range(), (FrameRange{3, 6}));
  EXPECT_NEAR(cine.display_ms(6), 10.0, kExactMs) << "from the out point back to the in point";

  cine.set_frame(8);  // outside: playing starts at the in point
  std::vector<int> shown;
  QObject::connect(&cine, &CineController::frame_changed, [&](int f) { shown.push_back(f); });
  cine.play();
  EXPECT_EQ(cine.frame(), 3);
  // Twice round the range.
  ASSERT_TRUE(wait_for([&] { return shown.size() >= 9; }, 5000)) << shown.size() << " frames";
  cine.pause();
  const std::vector<int> expected{3, 4, 5, 6, 3, 4, 5, 6, 3};
  EXPECT_EQ(std::vector<int>(shown.begin(), shown.begin() + 9), expected);

  cine.set_frame(1);
  cine.set_out_point();
  EXPECT_EQ(cine.play_range(), (FrameRange{0, 1})) << "an out before the in moves the in to 0";
  cine.set_frame(5);
  cine.set_in_point();
  EXPECT_EQ(cine.play_range(), (FrameRange{5, 9}));
  cine.clear_range();
  EXPECT_FALSE(cine.loop_range());
}

TEST(MainWindowTest, KeysAndTheSpeedControlSetSpeedAndRangeShownBesideTheSlider) {
  auto loop = imaging::load(std::filesystem::path(DYNAMUS_SAMPLE_DIR) / "retracting-tear.dcm");
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  const int frames = loop->frame_count();
  const double last_s = loop->timing().timestamps_s.back();
  MainWindow window(std::move(loop).value());
  window.resize(1000, 800);
  window.show();
  window.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
  auto* speed = window.findChild<QComboBox*>("speed");
  auto* time = window.findChild<QLabel*>("frame_time");
  auto* range = window.findChild<QLabel*>("loop_range");
  auto* slider = window.findChild<CineSlider*>();
  ASSERT_TRUE(speed && time && range && slider);

  EXPECT_EQ(speed->currentText(), "1×");
  QTest::keyClick(&window, Qt::Key_BracketRight);
  EXPECT_EQ(window.cine().speed(), 1.5);
  EXPECT_EQ(speed->currentText(), "1.5×") << "the control follows the keys";
  QTest::keyClick(&window, Qt::Key_BracketLeft);
  QTest::keyClick(&window, Qt::Key_BracketLeft);
  EXPECT_EQ(window.cine().speed(), 0.75);
  speed->setCurrentIndex(speed->findText("2×"));
  emit speed->activated(speed->currentIndex());
  EXPECT_EQ(window.cine().speed(), 2.0) << "and the keys follow the control";

  for (int i = 0; i < 4; ++i) QTest::keyClick(&window, Qt::Key_Right);
  QTest::keyClick(&window, Qt::Key_I);
  for (int i = 0; i < 6; ++i) QTest::keyClick(&window, Qt::Key_Right);
  QTest::keyClick(&window, Qt::Key_O);
  EXPECT_EQ(window.cine().play_range(), (FrameRange{4, 10}));
  ASSERT_TRUE(slider->loop_range());
  EXPECT_EQ(*slider->loop_range(), (FrameRange{4, 10})) << "drawn on the slider";
  EXPECT_LT(slider->x_of(4), slider->x_of(10));
  EXPECT_TRUE(range->text().contains("loop 4–10")) << range->text().toStdString();
  if (const char* dump = std::getenv("DYNAMUS_VIEW_TEST_DUMP"))
    window.grab().save(QString(dump) + "-cine.png");
  EXPECT_TRUE(time->text().startsWith(QString("frame 10 of %1").arg(frames)))
      << time->text().toStdString();
  EXPECT_TRUE(time->text().endsWith(QString(" s of %1 s").arg(last_s, 0, 'f', 2)))
      << time->text().toStdString();

  QTest::keyClick(&window, Qt::Key_Space);
  std::set<int> played;
  QObject::connect(&window.cine(), &CineController::frame_changed,
                   [&](int f) { played.insert(f); });
  ASSERT_TRUE(wait_for([&] { return played.size() >= 7; }, 10000)) << played.size();
  QTest::keyClick(&window, Qt::Key_Space);
  EXPECT_EQ(*played.begin(), 4);
  EXPECT_EQ(*played.rbegin(), 10) << "playback stays within the range";

  QTest::keyClick(&window, Qt::Key_X);
  EXPECT_FALSE(window.cine().loop_range());
  EXPECT_FALSE(slider->loop_range());

  QStringList help;
  for (const QAction* action : window.actions()) help << action->text();
  EXPECT_TRUE(help.contains("slower / faster (0.25× to 2×)"));
  EXPECT_TRUE(help.contains("loop range: in / out point at this frame"));
}

}  // namespace
}  // namespace dynamus::view
