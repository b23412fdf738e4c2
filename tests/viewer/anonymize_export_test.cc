// `dynamus-view --export --anonymize` (issue 9, item 5): the export shows only the calibrated
// region, so a banner of burned-in patient text above it never reaches the exported pixels, and
// a loop without a calibrated region (whose full frame could hold such text) is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/write.h"
#include "run_view.h"
#include "synthetic_patient.h"

namespace dynamus::view {
namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

imaging::CineLoop tear_loop() {
  auto loop = imaging::load(fs::path(DYNAMUS_SAMPLE_DIR) / "retracting-tear.dcm");
  EXPECT_TRUE(loop.ok()) << loop.status().to_string();
  return std::move(loop).value();
}

TEST(AnonymizedExportTest, BurnedInTextAboveTheRegionDoesNotReachTheExport) {
  const imaging::CineLoop loop = tear_loop();
  const fs::path dir = scratch("anonymize");
  // The same loop under a banner with the patient's name burned in, and under a black banner.
  const auto named = testing::write_synthetic_patient(dir / "named", loop);
  const auto blank = testing::write_synthetic_patient(dir / "blank", loop, /*burn_text=*/false);
  ASSERT_TRUE(named && blank);
  ASSERT_EQ(named->region.height_px(), loop.height_px()) << "the banner is outside the region";

  for (const char* extension : {".png", ".mp4"}) {
    SCOPED_TRACE(extension);
    const fs::path from_named = dir / (std::string("named") + extension);
    const fs::path from_blank = dir / (std::string("blank") + extension);
    const std::string range = std::string(extension) == ".mp4" ? " --range 0:3" : " --frame 7";
    ASSERT_EQ(run_view(quoted(named->dicom) + " --export " + quoted(from_named) + range +
                       " --size 800x600 --anonymize"),
              0);
    ASSERT_EQ(run_view(quoted(blank->dicom) + " --export " + quoted(from_blank) + range +
                       " --size 800x600 --anonymize"),
              0);
    for (const std::string& found : testing::patient_identifiers_in(from_named))
      ADD_FAILURE() << found;
    if (std::string(extension) == ".png") {
      // Rendered from the same region pixels with the same analysis: the same image, so not one
      // pixel of the banner's text is in it.
      const cv::Mat a = cv::imread(from_named.string()), b = cv::imread(from_blank.string());
      ASSERT_FALSE(a.empty());
      ASSERT_EQ(a.size(), b.size());
      EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0) << "the banner changed the exported pixels";
    }
  }
}

TEST(AnonymizedExportTest, ALoopWithoutACalibratedRegionIsRefusedAndNothingWritten) {
  // A screen recording: the frames as an MP4, no calibration and no region.
  const fs::path dir = scratch("anonymize_full_frame");
  fs::create_directories(dir);
  const fs::path recording = dir / "recording.mp4";
  ASSERT_TRUE(imaging::write_video(tear_loop(), recording).ok());
  const fs::path exported = dir / "frame.png";
  const std::string export_frame =
      quoted(recording) + " --no-auto-region --export " + quoted(exported) + " --frame 3";
  EXPECT_EQ(run_view(export_frame + " --anonymize"), 2);
  EXPECT_FALSE(fs::exists(exported));
  // With the ultrasound image's region given, the rest of the screen is cropped: exported.
  EXPECT_EQ(run_view(export_frame + " --anonymize --region 0,0,319,239"), 0);
  EXPECT_TRUE(fs::exists(exported));
  fs::remove(exported);
  // Not anonymised, the full frame is exported as it is.
  EXPECT_EQ(run_view(export_frame), 0);
  EXPECT_TRUE(fs::exists(exported));
}

}  // namespace
}  // namespace dynamus::view
