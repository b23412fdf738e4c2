// The review window driven by keys, as a sonographer drives it: Right and Left step one frame
// (wrapping at the ends), Space plays and pauses, and the slider follows.
#include "main_window.h"

#include <gtest/gtest.h>

#include <QSlider>
#include <QTest>
#include <filesystem>

#include "cine_controller.h"
#include "dynamus/imaging/load.h"
#include "scene.h"
#include "wait_for.h"

namespace dynamus::view {
namespace {

TEST(MainWindowTest, KeysStepAndPlayTheCine) {
  auto loop = imaging::load(std::filesystem::path(DYNAMUS_SAMPLE_DIR) / "retracting-tear.dcm");
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  const int frames = loop->frame_count();
  MainWindow window(std::move(loop).value());
  window.resize(1000, 800);
  window.show();
  window.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
  // The analysis runs in the background; its overlay arrives within seconds on this machine.
  ASSERT_TRUE(wait_for([&] { return window.analysis_done(); }, 60000));
  auto* slider = window.findChild<QSlider*>();
  ASSERT_NE(slider, nullptr);

  EXPECT_EQ(window.cine().frame(), 0);
  QTest::keyClick(&window, Qt::Key_Right);
  QTest::keyClick(&window, Qt::Key_Right);
  EXPECT_EQ(window.cine().frame(), 2);
  EXPECT_EQ(window.scene().frame(), 2);
  EXPECT_EQ(slider->value(), 2);
  QTest::keyClick(&window, Qt::Key_Left);
  EXPECT_EQ(window.cine().frame(), 1);
  QTest::keyClick(&window, Qt::Key_Left);
  QTest::keyClick(&window, Qt::Key_Left);
  EXPECT_EQ(window.cine().frame(), frames - 1) << "stepping back from frame 0 wraps";

  QTest::keyClick(&window, Qt::Key_Space);
  EXPECT_TRUE(window.cine().playing());
  // 20 fps: a few frames in well under two seconds, even on a loaded machine.
  EXPECT_TRUE(wait_for(
      [&] { return window.cine().frame() >= 3 && window.cine().frame() < frames - 1; }, 3000))
      << "playing advanced to frame " << window.cine().frame();
  QTest::keyClick(&window, Qt::Key_Space);
  EXPECT_FALSE(window.cine().playing());
  const int paused_at = window.cine().frame();
  QTest::qWait(300);
  EXPECT_EQ(window.cine().frame(), paused_at);
  EXPECT_EQ(slider->value(), paused_at);

  if (const char* dump = std::getenv("DYNAMUS_VIEW_TEST_DUMP")) window.grab().save(dump);
}

}  // namespace
}  // namespace dynamus::view
