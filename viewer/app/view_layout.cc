#include "view_layout.h"

#include <algorithm>

namespace dynamus::view {

ViewLayout::ViewLayout(int width_px, int height_px, int image_width_px, int image_height_px,
                       std::array<double, 2> spacing_mm, int legend_entries)
    : width_px_(std::max(width_px, 1)), height_px_(std::max(height_px, 1)) {
  legend_columns_ = std::clamp(width_px_ / kLegendColumnWidthPx, 1, std::max(legend_entries, 1));
  const int legend_rows = (legend_entries + legend_columns_ - 1) / legend_columns_;
  // Never more than half the window: a tiny window still shows the image.
  band_height_px_ =
      std::min(2 * kBandPaddingPx + (kCaptionLines + legend_rows) * kLineHeightPx, height_px_ / 2);
  // Full pixels are shown (the image actor draws its border), so the image spans one more
  // spacing than the distance between its first and last pixel centres.
  const double width_mm = image_width_px * spacing_mm[0];
  const double height_mm = image_height_px * spacing_mm[1];
  const double free_width_px = std::max(width_px_ - 2 * kImageMarginPx, 1);
  const double free_height_px = std::max(image_area_height_px() - 2 * kImageMarginPx, 1);
  pixels_per_mm_ = std::min(free_width_px / width_mm, free_height_px / height_mm);
  centre_mm_ = {(image_width_px - 1) * spacing_mm[0] / 2,
                (image_height_px - 1) * spacing_mm[1] / 2};
}

double ViewLayout::parallel_scale_mm() const {
  return image_area_height_px() / (2 * pixels_per_mm_);
}

PixelPoint ViewLayout::to_pixels(double x_mm, double y_mm) const {
  // The image area's centre is the focal point; a pixel's centre is half a pixel from its edge.
  return {width_px_ / 2.0 + (x_mm - centre_mm_[0]) * pixels_per_mm_ - 0.5,
          image_area_height_px() / 2.0 + (y_mm - centre_mm_[1]) * pixels_per_mm_ - 0.5};
}

std::array<double, 2> ViewLayout::to_mm(const PixelPoint& pixel) const {
  return {centre_mm_[0] + (pixel.col + 0.5 - width_px_ / 2.0) / pixels_per_mm_,
          centre_mm_[1] + (pixel.row + 0.5 - image_area_height_px() / 2.0) / pixels_per_mm_};
}

}  // namespace dynamus::view
