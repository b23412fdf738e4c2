// The linked plots (three series from the analysis, a cursor that follows the cine, a click that
// seeks) and the export of the view as drawn: a frame as PNG, pixel for pixel the --screenshot of
// that frame, and a range as an MP4 with one video frame per loop frame.
#include <gtest/gtest.h>
#include <vtkAxis.h>
#include <vtkChartXY.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>
#include <vtkPlot.h>
#include <vtkTable.h>

#include <QTest>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <opencv2/videoio.hpp>
#include <string>

#include "cine_controller.h"
#include "dynamus/imaging/load.h"
#include "dynamus/segmentation/analysis.h"
#include "main_window.h"
#include "run_view.h"
#include "scene.h"
#include "timeline_chart.h"
#include "timeline_series.h"
#include "wait_for.h"

namespace dynamus::view {
namespace {

namespace fs = std::filesystem;

fs::path tear_scan() { return fs::path(DYNAMUS_SAMPLE_DIR) / "retracting-tear.dcm"; }

// The window on the bundled tear scan, analysed.
struct OpenWindow {
  explicit OpenWindow(int width = 1000, int height = 800) {
    auto loop = imaging::load(tear_scan());
    EXPECT_TRUE(loop.ok()) << loop.status().to_string();
    frames = loop->frame_count();
    window = std::make_unique<MainWindow>(std::move(loop).value());
    window->resize(width, height);
    window->show();
    window->activateWindow();
    ready = QTest::qWaitForWindowActive(window.get()) &&
            wait_for([&] { return window->analysis_done(); }, 60000);
  }
  std::unique_ptr<MainWindow> window;
  int frames = 0;
  bool ready = false;
};

TEST(TimelineSeriesTest, OneValuePerFrameFromTheAnalysisAsItIs) {
  auto loop = imaging::load(tear_scan());
  ASSERT_TRUE(loop.ok()) << loop.status().to_string();
  auto analysis = segmentation::analyze(*loop);
  ASSERT_TRUE(analysis.ok()) << analysis.status().to_string();
  const TimelineSeries series = timeline_series(*loop, *analysis);
  const auto frames = std::size_t(loop->frame_count());
  ASSERT_EQ(series.t.size(), frames);
  ASSERT_EQ(series.level_pct.size(), frames);
  ASSERT_EQ(series.gap_mm.size(), frames);
  ASSERT_EQ(series.thickness_mm.size(), frames);
  ASSERT_TRUE(series.in_seconds) << "the bundled DICOM has a frame time";
  const double dt_s = 1.0 / *loop->fps();
  int gaps = 0;
  for (std::size_t i = 0; i < frames; ++i) {
    EXPECT_NEAR(series.t[i], double(i) * dt_s, 1e-6) << "frame " << i;
    EXPECT_DOUBLE_EQ(series.level_pct[i], 100.0 * analysis->phases.level[i]);
    const auto& gap = analysis->tear.frames[i].gap_mm;
    if (gap) {
      EXPECT_DOUBLE_EQ(series.gap_mm[i], *gap);
      ++gaps;
    } else {
      EXPECT_TRUE(std::isnan(series.gap_mm[i])) << "an unmeasured gap is a hole, not 0";
    }
  }
  EXPECT_GT(gaps, 0) << "the tear scan's gap is measured";
  for (double level : series.level_pct) {
    EXPECT_GE(level, 0.0);
    EXPECT_LE(level, 100.0);
  }
}

TEST(TimelineSeriesTest, NearestFrameRoundsToTheCloserTime) {
  TimelineSeries series;
  series.t = {0.0, 0.05, 0.10, 0.15};
  EXPECT_EQ(nearest_frame(series, -3.0), 0);
  EXPECT_EQ(nearest_frame(series, 0.074), 1);
  EXPECT_EQ(nearest_frame(series, 0.076), 2);
  EXPECT_EQ(nearest_frame(series, 0.10), 2);
  EXPECT_EQ(nearest_frame(series, 9.0), 3);
}

TEST(TimelineChartTest, ThreeSeriesACursorThatFollowsAndAClickThatSeeks) {
  OpenWindow open;
  ASSERT_TRUE(open.ready);
  TimelineChart* chart = open.window->chart();
  ASSERT_TRUE(chart->series());
  ASSERT_EQ(chart->chart()->GetNumberOfPlots(), TimelineChart::kSeriesCount + 1)
      << "three series and the cursor";
  for (int i = 0; i < TimelineChart::kSeriesCount; ++i)
    EXPECT_EQ(chart->series_plot(i)->GetInput()->GetNumberOfRows(), open.frames) << "series " << i;
  const std::vector<double>& t = chart->series()->t;

  for (int i = 0; i < 3; ++i) QTest::keyClick(open.window.get(), Qt::Key_Right);
  EXPECT_EQ(open.window->cine().frame(), 3);
  EXPECT_DOUBLE_EQ(chart->cursor_t(), t[3]);

  // A click a third of a frame past frame 7 goes to 7; two thirds past, to 8.
  const double dt = t[1] - t[0];
  const int y = chart->height() / 2;
  QTest::mouseClick(chart, Qt::LeftButton, Qt::NoModifier,
                    QPoint(int(std::lround(chart->to_widget_x(t[7] + dt / 3))), y));
  EXPECT_EQ(open.window->cine().frame(), 7);
  EXPECT_DOUBLE_EQ(chart->cursor_t(), t[7]);
  // The time axis spans the loop over hundreds of pixels: a pixel is a fraction of a frame.
  ASSERT_GT(chart->to_widget_x(t[1]) - chart->to_widget_x(t[0]), 3.0);
  QTest::mouseClick(chart, Qt::LeftButton, Qt::NoModifier,
                    QPoint(int(std::lround(chart->to_widget_x(t[7] + 2 * dt / 3))), y));
  EXPECT_EQ(open.window->cine().frame(), 8);
  EXPECT_NEAR(chart->to_time(chart->to_widget_x(t[5])), t[5], 1e-9);

  if (const char* dump = std::getenv("DYNAMUS_VIEW_TEST_DUMP")) open.window->grab().save(dump);
}

TEST(ExportTest, AFramePngIsTheScreenshotOfThatFrame) {
  OpenWindow open;
  ASSERT_TRUE(open.ready);
  constexpr int kFrame = 6;
  open.window->cine().set_frame(kFrame);
  // The export is the screen, handles included: a screenshot selects no finding, so neither here.
  open.window->scene().set_selected(std::nullopt);
  const fs::path exported = scratch("frame.png");
  ASSERT_TRUE(open.window->export_to(exported, kFrame, kFrame))
      << open.window->status_text().toStdString();
  EXPECT_EQ(open.window->cine().frame(), kFrame);
  const int* size = open.window->render_window()->GetSize();
  const int width = size[0], height = size[1];

  vtkNew<vtkPNGReader> gui;
  gui->SetFileName(exported.c_str());
  gui->Update();
  ASSERT_EQ(gui->GetOutput()->GetDimensions()[0], width);
  ASSERT_EQ(gui->GetOutput()->GetDimensions()[1], height);
  const qreal ratio = open.window->view()->devicePixelRatioF();
  EXPECT_EQ(width, int(std::lround(open.window->view()->width() * ratio))) << "the view's size";

  const fs::path shot = scratch("shot.png");
  ASSERT_EQ(run_view(tear_scan().string() + " --screenshot " + shot.string() + " --frame " +
                     std::to_string(kFrame) + " --size " + std::to_string(width) + "x" +
                     std::to_string(height)),
            0);
  vtkNew<vtkPNGReader> cli;
  cli->SetFileName(shot.c_str());
  cli->Update();
  ASSERT_EQ(cli->GetOutput()->GetDimensions()[0], width);
  ASSERT_EQ(cli->GetOutput()->GetDimensions()[1], height);
  const auto* a = static_cast<const unsigned char*>(gui->GetOutput()->GetScalarPointer());
  const auto* b = static_cast<const unsigned char*>(cli->GetOutput()->GetScalarPointer());
  const std::size_t pixels = std::size_t(width) * std::size_t(height);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < pixels * 3; i += 3)
    differing += a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2];
  // Not bit-identical: the window draws into Qt's framebuffer object, the screenshot into an X
  // window, and a few pixels along the overlay's lines rasterise differently (measured: 53 of
  // 370,000, all on line edges, after 120 with multisampling). A caption, a label or the image
  // one pixel off differs in thousands, so at most 0.1 % of the pixels may differ.
  EXPECT_LE(double(differing), 0.001 * double(pixels)) << differing << " of " << pixels;
}

TEST(ExportTest, AnMp4RangeHasOneVideoFramePerLoopFrame) {
  const fs::path video = scratch("range.mp4");
  ASSERT_EQ(run_view(tear_scan().string() + " --export " + video.string() +
                     " --range 2:9 --size 800x600"),
            0);
  cv::VideoCapture capture(video.string());
  ASSERT_TRUE(capture.isOpened());
  int read = 0;
  for (cv::Mat frame; capture.read(frame); ++read) {
    EXPECT_EQ(frame.cols, 800);
    EXPECT_EQ(frame.rows, 600);
  }
  EXPECT_EQ(read, 8);

  OpenWindow open(900, 700);
  ASSERT_TRUE(open.ready);
  const fs::path from_gui = scratch("gui.mp4");
  ASSERT_TRUE(open.window->export_to(from_gui, 0, open.frames - 1));
  cv::VideoCapture gui(from_gui.string());
  ASSERT_TRUE(gui.isOpened());
  EXPECT_EQ(int(gui.get(cv::CAP_PROP_FRAME_COUNT)), open.frames);
}

TEST(ExportTest, BadRangesExitTwoAndWriteNothing) {
  const std::string tear = tear_scan().string();
  const fs::path video = scratch("bad_export.mp4");
  EXPECT_EQ(run_view(tear + " --export " + video.string() + " --range 5:9999"), 2);
  EXPECT_EQ(run_view(tear + " --export " + video.string() + " --range 9:5"), 2);
  EXPECT_EQ(run_view(tear + " --export " + video.string() + " --range 2:3 --frame 2"), 2);
  const fs::path png = scratch("bad_export.png");
  EXPECT_EQ(run_view(tear + " --export " + png.string() + " --range 2:3"), 2);
  EXPECT_EQ(run_view(tear + " --export " + scratch("bad_export.gif").string()), 2);
  EXPECT_FALSE(fs::exists(video));
  EXPECT_FALSE(fs::exists(png));
}

}  // namespace
}  // namespace dynamus::view
