#include "io/dicom_regions.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dynamus::imaging::io {
namespace {

constexpr int kSpatialFormat2d = 1;
constexpr int kDataTypeTissue = 1;
constexpr int kUnitsCm = 3;
constexpr double kMmPerCm = 10.0;
// A region may overshoot the image by this much before the calibration is doubted: scanners
// commonly write the column count as the last column (off by one).
constexpr long kToleratedOvershootPx = 2;
constexpr double kToleratedOvershootFraction = 0.01;

bool has_2d_cm_calibration(const UltrasoundRegion& r) {
  return r.spatial_format == kSpatialFormat2d && r.units_x == kUnitsCm && r.units_y == kUnitsCm &&
         std::isfinite(r.delta_x) && std::isfinite(r.delta_y) && r.delta_x != 0.0 &&
         r.delta_y != 0.0 && r.max_x >= r.min_x && r.max_y >= r.min_y;
}

long area_px(const UltrasoundRegion& r) {
  return (r.max_x - r.min_x + 1) * (r.max_y - r.min_y + 1);
}

}  // namespace

std::optional<RegionCalibration> choose_region_calibration(
    const std::vector<UltrasoundRegion>& regions, int width_px, int height_px) {
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const UltrasoundRegion& r = regions[i];
    if (has_2d_cm_calibration(r) && r.min_x < width_px && r.min_y < height_px) {
      candidates.push_back(i);
    }
  }
  if (candidates.empty()) return std::nullopt;

  // Tissue before colour flow and others, then the largest, then the first.
  std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
    const bool tissue_a = regions[a].data_type == kDataTypeTissue;
    const bool tissue_b = regions[b].data_type == kDataTypeTissue;
    if (tissue_a != tissue_b) return tissue_a;
    return area_px(regions[a]) > area_px(regions[b]);
  });
  const std::size_t index = candidates.front();
  const UltrasoundRegion& r = regions[index];

  RegionCalibration result;
  const std::array<double, 2> spacing_mm = {std::abs(r.delta_x) * kMmPerCm,
                                            std::abs(r.delta_y) * kMmPerCm};
  result.calibration.source = CalibrationSource::kDicomRegion;
  result.calibration.spacing_mm = spacing_mm;
  result.calibration.detail = fmt::format(
      "ultrasound region {} of {} ({}, {:.5g} x {:.5g} mm/px)", index + 1, regions.size(),
      r.data_type == kDataTypeTissue ? "2D tissue" : "2D", spacing_mm[0], spacing_mm[1]);
  if (candidates.size() > 1) {
    result.warnings.push_back(fmt::format(
        "{} calibrated 2D regions; using region {} ({}x{} px at {},{})", candidates.size(),
        index + 1, r.max_x - r.min_x + 1, r.max_y - r.min_y + 1, r.min_x, r.min_y));
  }
  if (r.delta_x < 0 || r.delta_y < 0) {
    result.warnings.push_back(fmt::format(
        "ultrasound region {} has a negative physical delta; using its magnitude", index + 1));
  }

  const long min_x = std::max(0L, r.min_x), min_y = std::max(0L, r.min_y);
  const long max_x = std::min(long(width_px) - 1, r.max_x);
  const long max_y = std::min(long(height_px) - 1, r.max_y);
  const long overshoot_x = (r.max_x - max_x) + (min_x - r.min_x);
  const long overshoot_y = (r.max_y - max_y) + (min_y - r.min_y);
  result.region_px = RegionPx{int(min_x), int(min_y), int(max_x), int(max_y)};
  if (overshoot_x > 0 || overshoot_y > 0) {
    const double allowed_x = std::max(double(kToleratedOvershootPx),
                                      kToleratedOvershootFraction * double(r.max_x - r.min_x + 1));
    const double allowed_y = std::max(double(kToleratedOvershootPx),
                                      kToleratedOvershootFraction * double(r.max_y - r.min_y + 1));
    const bool gross = double(overshoot_x) > allowed_x || double(overshoot_y) > allowed_y;
    const std::string extent =
        fmt::format("ultrasound region {} [{},{},{},{}] reaches past the {}x{} image", index + 1,
                    r.min_x, r.min_y, r.max_x, r.max_y, width_px, height_px);
    if (gross) {
      result.calibration.trusted = false;
      result.warnings.push_back(extent +
                                " by far: the pixels were probably resized or cropped after "
                                "calibration, so the spacing is untrusted");
    } else {
      result.warnings.push_back(extent + "; clipped to the image");
    }
  }
  return result;
}

}  // namespace dynamus::imaging::io
