// dynamus-view --screenshot, run as a user runs it: the tear's fill must be where the phantom's
// truth puts the gap, and nowhere on a healthy tendon.
#include <gtest/gtest.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPNGReader.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dynamus/overlay/overlay.h"
#include "run_view.h"
#include "view_layout.h"

namespace dynamus::view {
namespace {

namespace fs = std::filesystem;
using Polygon = std::vector<std::array<double, 2>>;

constexpr int kWidthPx = 1000, kHeightPx = 800;
// The bundled scans: 320 x 240 px at 0.15 mm (sample_scans/CMakeLists.txt).
constexpr int kScanWidthPx = 320, kScanHeightPx = 240;
constexpr double kSpacingMm = 0.15;

fs::path sample(const std::string& name) { return fs::path(DYNAMUS_SAMPLE_DIR) / name; }

struct Rgb {
  int r, g, b;
};

class Png {
 public:
  explicit Png(const fs::path& path) {
    reader_->SetFileName(path.c_str());
    reader_->Update();
  }
  int width() const { return reader_->GetOutput()->GetDimensions()[0]; }
  int height() const { return reader_->GetOutput()->GetDimensions()[1]; }
  // Row 0 at the top, as the PNG stores it (VTK's image data counts rows from the bottom).
  Rgb at(int col, int row) const {
    auto* p = static_cast<unsigned char*>(
        reader_->GetOutput()->GetScalarPointer(col, height() - 1 - row, 0));
    return {p[0], p[1], p[2]};
  }

 private:
  vtkNew<vtkPNGReader> reader_;
};

// The tear's vermillion (213, 94, 0) blended at any alpha over a grey keeps its hue: red exceeds
// blue by alpha * 213 and green by alpha * 119, a ratio of 0.56. The other layers' colours have
// ratios of 0.07 (yellow), 0.31 (orange), 2.2 (purple) or below zero (blue, green). The minimum
// excess is half the excess at the fill's alpha (80/255: 67), so faint anti-aliased edges and the
// fill under a label's dark box do not count.
bool vermillion(const Rgb& c) {
  const int red_over_blue = c.r - c.b, red_over_green = c.r - c.g;
  if (red_over_blue < 33) return false;
  const double ratio = double(red_over_green) / red_over_blue;
  return ratio > 0.42 && ratio < 0.70;
}

// The gap caliper and its label are drawn over the middle of the fill: the label's dark box
// (65 % black) keeps the fill's hue at a third of its strength, the line and the text are yellow.
bool fill_under_label(const Rgb& c) {
  const int red_over_blue = c.r - c.b, red_over_green = c.r - c.g;
  if (red_over_blue < 12) return false;
  const double ratio = double(red_over_green) / red_over_blue;
  return ratio > 0.35 && ratio < 0.80;
}
bool yellow(const Rgb& c) { return c.r > 140 && c.g > 140 && c.b < c.r - 60; }

bool inside(const Polygon& polygon, double x, double y) {
  bool in = false;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const auto& a = polygon[i];
    const auto& b = polygon[j];
    if ((a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) in = !in;
  }
  return in;
}

double distance_to(const Polygon& polygon, double x, double y) {
  if (inside(polygon, x, y)) return 0;
  double best = INFINITY;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const double ax = polygon[j][0], ay = polygon[j][1];
    const double dx = polygon[i][0] - ax, dy = polygon[i][1] - ay;
    const double t = std::clamp(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
    best = std::min(best, std::hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}

ViewLayout layout() {
  return ViewLayout(kWidthPx, kHeightPx, kScanWidthPx, kScanHeightPx, {kSpacingMm, kSpacingMm},
                    int(overlay::legend().size()));
}

TEST(ScreenshotTest, TearFillCoversTheTrueGapAtPeak) {
  std::ifstream truth_file(sample("retracting-tear.truth.json"));
  const nlohmann::json truth = nlohmann::json::parse(truth_file);
  const int peak = truth.at("contraction").at("peak_frame").get<int>();
  const Polygon gap = truth.at("tear").at("polygon_mm").at(peak).get<Polygon>();
  const fs::path out = scratch("tear_peak.png");
  ASSERT_EQ(run_view(sample("retracting-tear.dcm").string() + " --screenshot " + out.string() +
                     " --frame " + std::to_string(peak) + " --size 1000x800"),
            0);
  const Png png(out);
  ASSERT_EQ(png.width(), kWidthPx);
  ASSERT_EQ(png.height(), kHeightPx);
  const ViewLayout view = layout();

  // Inside: the true gap shrunk to half its size about its centre must be filled: vermillion, or
  // the fill under the gap caliper and its label (which cover about a third of it).
  double cx = 0, cy = 0;
  for (const auto& p : gap) cx += p[0] / double(gap.size()), cy += p[1] / double(gap.size());
  Polygon core;
  for (const auto& p : gap) core.push_back({cx + 0.5 * (p[0] - cx), cy + 0.5 * (p[1] - cy)});
  int core_pixels = 0, core_vermillion = 0, core_filled = 0;
  // Outside: no vermillion farther than 0.75 mm from the true gap (the detected outline may
  // stray from the truth by that much; 0.75 mm is 14 screen pixels here).
  int stray = 0;
  for (int row = 0; row < view.image_area_height_px(); ++row) {
    for (int col = 0; col < view.width_px(); ++col) {
      const auto [x, y] = view.to_mm({double(col), double(row)});
      const bool is_vermillion = vermillion(png.at(col, row));
      if (inside(core, x, y)) {
        ++core_pixels;
        core_vermillion += is_vermillion;
        const Rgb c = png.at(col, row);
        core_filled += is_vermillion || fill_under_label(c) || yellow(c);
      } else if (is_vermillion && distance_to(gap, x, y) > 0.75) {
        ++stray;
      }
    }
  }
  ASSERT_GT(core_pixels, 500);
  EXPECT_GT(double(core_filled) / core_pixels, 0.97)
      << core_filled << " of " << core_pixels << " pixels of the gap's core are filled";
  EXPECT_GT(double(core_vermillion) / core_pixels, 0.55)
      << core_vermillion << " of " << core_pixels << " pixels of the gap's core are vermillion";
  EXPECT_EQ(stray, 0) << "vermillion pixels away from the true gap";
}

TEST(ScreenshotTest, NoTearFillOnHealthyScan) {
  const fs::path out = scratch("healthy.png");
  ASSERT_EQ(run_view(sample("healthy.dcm").string() + " --screenshot " + out.string()), 0);
  const Png png(out);
  const ViewLayout view = layout();
  int count = 0;
  // The image area only: the legend's swatch below it is vermillion on purpose.
  for (int row = 0; row < view.image_area_height_px(); ++row)
    for (int col = 0; col < view.width_px(); ++col) count += vermillion(png.at(col, row));
  EXPECT_EQ(count, 0);
}

TEST(ScreenshotTest, BadInputsGiveTheDocumentedExitCodes) {
  const fs::path out = scratch("bad.png");
  EXPECT_EQ(run_view(scratch("missing.dcm").string() + " --screenshot " + out.string()), 3);
  const fs::path garbage = scratch("garbage.dcm");
  std::ofstream(garbage) << "not an ultrasound loop at all";
  EXPECT_EQ(run_view(garbage.string() + " --screenshot " + out.string()), 3);
  // The first 20 kB of a real loop: a DICOM file whose pixel data is cut short.
  const fs::path truncated = scratch("truncated.dcm");
  {
    std::ifstream in(sample("retracting-tear.dcm"), std::ios::binary);
    std::vector<char> head(20000);
    in.read(head.data(), std::streamsize(head.size()));
    std::ofstream(truncated, std::ios::binary).write(head.data(), in.gcount());
  }
  EXPECT_EQ(run_view(truncated.string() + " --screenshot " + out.string()), 4);
  const std::string tear = sample("retracting-tear.dcm").string();
  EXPECT_EQ(run_view(tear + " --screenshot " + out.string() + " --frame 400"), 2);
  EXPECT_EQ(run_view(tear + " --screenshot " + out.string() + " --size 0x10"), 2);
  EXPECT_EQ(run_view(tear + " --no-such-option"), 2);
  // The input options are the CLI's (apps/input_options): a malformed override is a usage error.
  EXPECT_EQ(run_view(tear + " --screenshot " + out.string() + " --spacing abc"), 2);
  EXPECT_FALSE(fs::exists(out)) << "no screenshot after a failure";
}

}  // namespace
}  // namespace dynamus::view
