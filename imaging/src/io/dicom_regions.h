// Choosing the calibration from DICOM's Sequence of Ultrasound Regions (0018,6011): which region is
// the 2D tissue image, its spacing in mm, and whether it fits the pixel matrix it claims to
// describe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dynamus/imaging/cine_loop.h"

namespace dynamus::imaging::io {

// One item of (0018,6011), as stored.
struct UltrasoundRegion {
  int spatial_format = 0;                           // (0018,6012): 1 = 2D
  int data_type = 0;                                // (0018,6014): 1 = tissue
  long min_x = 0, min_y = 0, max_x = 0, max_y = 0;  // (0018,6018..601E), inclusive
  int units_x = 0, units_y = 0;                     // (0018,6024/6026): 3 = cm
  double delta_x = 0.0, delta_y = 0.0;              // (0018,602C/602E), physical units per pixel
};

struct RegionCalibration {
  Calibration calibration;  // kDicomRegion, possibly untrusted
  RegionPx region_px;       // clipped to the image
  std::vector<std::string> warnings;
};

// Picks the largest 2D region in cm (tissue preferred over other data types, first wins a tie),
// converts cm to mm (magnitudes: a negative delta only flips direction), and clips it to the
// width x height image. A region reaching past the image by a pixel or two (a common off-by-one)
// is clipped with a warning; one reaching far past it, or starting outside it, means the pixels
// were resized or cropped after calibration and the calibration is marked untrusted.
// Returns nothing when no region carries a usable 2D calibration.
std::optional<RegionCalibration> choose_region_calibration(
    const std::vector<UltrasoundRegion>& regions, int width_px, int height_px);

}  // namespace dynamus::imaging::io
