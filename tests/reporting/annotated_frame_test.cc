// The CPU compositor: the overlay lands on the right pixels in the enlarged frame, the caption
// and legend sit below the image, and the PNG is written atomically.
#include "dynamus/reporting/annotated_frame.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "temp_dir.h"
#include "uniform_loop.h"

namespace dynamus::reporting {
namespace {

imaging::CineLoop grey_loop() { return testing::uniform_loop(200, 100, 1, 100, {0.1, 0.2}, 20.0); }

std::array<int, 3> rgb_at(const RgbImage& image, int x, int y) {
  const std::size_t i = (std::size_t(y) * std::size_t(image.width_px) + std::size_t(x)) * 3;
  return {image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]};
}

overlay::FrameOverlay square_region() {
  overlay::FrameOverlay o;
  const overlay::Rgba red{213, 94, 0, 255};
  // 5..10 mm laterally (columns 50..100), 4..8 mm deep (rows 20..40) at 0.1 x 0.2 mm.
  o.paths.push_back({overlay::Layer::kTearRegion,
                     {{5, 4}, {10, 4}, {10, 8}, {5, 8}},
                     true,
                     red,
                     overlay::Rgba{213, 94, 0, 128}});
  o.caption = {"frame 0 of 1", "full tear suspected"};
  return o;
}

TEST(AnnotatedFrame, PlacesTheOverlayInMillimetresOnTheEnlargedFrame) {
  const RgbImage image = render_annotated_frame(grey_loop(), square_region(), 4);
  EXPECT_EQ(image.width_px, 800);
  EXPECT_GT(image.height_px, 400) << "the caption and legend panel below the 400 px image";
  // Inside the region (column 75, row 30 -> canvas 4x), half-way between grey 100 and the fill.
  const auto inside = rgb_at(image, 4 * 75, 4 * 30);
  EXPECT_NEAR(inside[0], (100 + 213) / 2, 3);
  EXPECT_NEAR(inside[1], (100 + 94) / 2, 3);
  EXPECT_NEAR(inside[2], (100 + 0) / 2, 3);
  // Outside it the frame is untouched grey.
  const auto outside = rgb_at(image, 4 * 20, 4 * 80);
  EXPECT_EQ(outside, (std::array<int, 3>{100, 100, 100}));
  // The default scale makes the image at least 800 px wide.
  EXPECT_EQ(render_annotated_frame(grey_loop(), square_region()).width_px, 800);
}

TEST(AnnotatedFrame, WritesAReadablePngAtomically) {
  testing::TempDir dir;
  const RgbImage image = render_annotated_frame(grey_loop(), square_region(), 2);
  ASSERT_TRUE(write_png(dir / "frame.png", image).ok());
  const cv::Mat read = cv::imread((dir / "frame.png").string(), cv::IMREAD_COLOR);
  ASSERT_FALSE(read.empty());
  EXPECT_EQ(read.cols, image.width_px);
  EXPECT_EQ(read.rows, image.height_px);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1)
      << "no temporary left behind";
  const Status missing = write_png(dir / "no" / "frame.png", image);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace dynamus::reporting
