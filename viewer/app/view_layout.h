// Where the image and the caption band sit in the render window, and the mapping between the
// image's millimetres and window pixels. The scene sets its viewports and camera from this, and
// the tests use it to find overlay pixels at known positions in mm. No VTK or Qt here.
#pragma once

#include <array>

namespace dynamus::view {

// The band below the image holds the caption (kCaptionLines lines) and the legend, so that no
// text ever covers the anatomy; lines are kLineHeightPx apart.
inline constexpr int kCaptionLines = 3;
inline constexpr int kLineHeightPx = 20;
inline constexpr int kBandPaddingPx = 8;
inline constexpr int kLegendColumnWidthPx = 210;
// Space kept free around the fitted image, so its edges stay visible.
inline constexpr int kImageMarginPx = 8;

struct PixelPoint {
  double col = 0;  // screenshot pixel column, 0 at the left; a pixel's centre is an integer
  double row = 0;  // screenshot pixel row, 0 at the top
};

class ViewLayout {
 public:
  // A window of width_px x height_px showing an image of image_width_px x image_height_px pixels
  // with spacing_mm [x, y] (1 mm a pixel for an uncalibrated loop), fitted and centred above the
  // band.
  ViewLayout(int width_px, int height_px, int image_width_px, int image_height_px,
             std::array<double, 2> spacing_mm, int legend_entries);

  int width_px() const { return width_px_; }
  int height_px() const { return height_px_; }
  int band_height_px() const { return band_height_px_; }
  int image_area_height_px() const { return height_px_ - band_height_px_; }
  int legend_columns() const { return legend_columns_; }

  // Window pixels per mm when the camera is fitted (the zoom an untouched view has).
  double pixels_per_mm() const { return pixels_per_mm_; }
  // The fitted camera: its focal point (the image's centre, mm) and half the height of the image
  // area in mm (VTK's parallel scale).
  std::array<double, 2> centre_mm() const { return centre_mm_; }
  double parallel_scale_mm() const;

  // Where a point of the image (mm, origin at the centre of the first pixel, y depth downward)
  // lands in a screenshot of the fitted view.
  PixelPoint to_pixels(double x_mm, double y_mm) const;
  // The inverse: the image point (mm) a screenshot pixel shows.
  std::array<double, 2> to_mm(const PixelPoint& pixel) const;

 private:
  int width_px_, height_px_;
  int band_height_px_;
  int legend_columns_;
  double pixels_per_mm_;
  std::array<double, 2> centre_mm_;
};

}  // namespace dynamus::view
