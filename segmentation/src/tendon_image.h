// Helpers shared by the tendon and tear steps: band-local smoothing, profile interpolation, fibre
// alignment and advection of points with the loop's motion. Private to the library.
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <vector>

#include "dynamus/imaging/cine_loop.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/segmentation/geometry.h"
#include "frame_support.h"

namespace dynamus::segmentation::internal {

// Gaussian-smoothed CV_32F copy of rows [row0, row1) of an 8-bit frame. Rows beyond the strip are
// used as context so that the strip's edges are smoothed like its middle.
cv::Mat smooth_strip(const cv::Mat& frame_u8, int row0, int row1, double sigma_x_px,
                     double sigma_y_px);

// Linear interpolation over the nullopt entries between seen samples; NaN before the first and
// after the last seen sample (nothing to interpolate from).
std::vector<double> fill_inner(const DepthProfileMm& profile);

// Where tissue at (x_px, y_px) in frame `from` is in frame `to` (consecutive frames, either
// direction), from the pair's field. Going backward uses the field at the later frame's
// position: tissue moves little between frames, so the error is second order.
void advect_px(const imaging::Motion& motion, int from, int to, float& x_px, float& y_px);

// A profile given at points (x_mm[i], y_mm[i]), x increasing, resampled at `grid_x_mm`; NaN
// outside the points' span.
std::vector<double> resample(const std::vector<double>& x_mm, const std::vector<double>& y_mm,
                             const std::vector<double>& grid_x_mm);

// The depth span of a band over the samples where both its surfaces are seen (NaN where unseen);
// nullopt when none is.
struct DepthSpanMm {
  double top_mm = 0.0, bottom_mm = 0.0;
};
std::optional<DepthSpanMm> depth_span(const std::vector<double>& upper_mm,
                                      const std::vector<double>& lower_mm);

// Fibrillar alignment of the texture between a band's surfaces, per lateral sample: the mean over
// the band's interior of the structure tensor's coherence weighted by how well its dominant
// direction follows the band's axis (1: every pixel lies on a line along the band; 0: isotropic
// texture, or lines across it). `upper_mm`/`lower_mm` per sample at `x_mm` (NaN where unseen);
// NaN for a sample with no interior. The tensor is integrated over about a fibril period.
inline constexpr double kFibreAlignmentSigmaMm = 0.4;
std::vector<double> fibre_alignment(const cv::Mat& frame_u8, const std::vector<double>& x_mm,
                                    const std::vector<double>& upper_mm,
                                    const std::vector<double>& lower_mm, double sx_mm, double sy_mm,
                                    double sigma_mm = kFibreAlignmentSigmaMm);

}  // namespace dynamus::segmentation::internal
