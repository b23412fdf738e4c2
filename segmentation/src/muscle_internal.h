// Pieces of trace_muscle, in pixels of the loop: aponeurosis detection in one frame, following the
// aponeuroses through the loop, and the fascicle orientation between them.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "dynamus/imaging/motion.h"

namespace dynamus::segmentation::muscle_detail {

// Pixel size and the lateral sample columns every profile is given at.
struct Grid {
  double spacing_x_mm = 0.1;
  double spacing_y_mm = 0.1;
  std::vector<double> col_px;  // sample positions, every kSampleStepMm
  double mm_to_rows(double mm) const { return mm / spacing_y_mm; }
  double mm_to_cols(double mm) const { return mm / spacing_x_mm; }
};

constexpr double kSampleStepMm = 0.5;

// Depth (rows) of the superficial and deep aponeurosis's inner edges at the sample columns.
// NaN where not seen.
struct ApoProfiles {
  std::vector<double> superficial_row;
  std::vector<double> deep_row;
};

struct Detection {
  bool found = false;
  std::string reason;
  ApoProfiles edges;
};

// Finds the two aponeuroses in one grey frame: bright, roughly horizontal bands traced by dynamic
// programming along x on a ridge map; the pair with muscle (darker tissue) between them.
Detection detect_aponeuroses(const cv::Mat& frame_u8, const Grid& grid);

// Moves the profiles of the previous frame by the tracked motion and snaps them to the edges of
// this frame within a small window.
ApoProfiles follow_aponeuroses(const cv::Mat& frame_u8, const Grid& grid, const ApoProfiles& prev,
                               const imaging::FlowField* flow);

// Snaps each sample of `rows` to the strongest edge of the given polarity (+1: dark above and
// bright below, -1: the reverse) within +-window_rows, then smooths the profile along x.
std::vector<double> snap_to_edges(const cv::Mat& frame_u8, const Grid& grid,
                                  const std::vector<double>& rows, int polarity,
                                  double window_rows);

// The profiles with NaN wherever the traced edge is not the edge of a bright band: beneath the
// deep edge (above the superficial one) the grey must be brighter than on the muscle's side. Over
// a tear's fluid gap the tendon's surface is gone and the edge found there is speckle or a
// perimysium line, not an aponeurosis.
ApoProfiles visible_edges(const cv::Mat& frame_u8, const Grid& grid, const ApoProfiles& edges);

// NaN samples filled by linear interpolation between their seen neighbours (the nearest seen depth
// beyond the last one): the line that is followed to the next frame bridges what was not seen.
std::vector<double> bridged(const std::vector<double>& rows);

// Samples where the deep aponeurosis is a thin band with muscle beneath it (the belly), as opposed
// to a thick bright tendon under its upper surface (over and beyond the myotendinous junction).
std::vector<bool> belly_samples(const cv::Mat& frame_u8, const Grid& grid,
                                const ApoProfiles& edges);

// Dominant orientation of the fascicle lines (perimysium) in the muscle between the aponeuroses
// over the given samples: the angle in image coordinates (y down) of the direction (cos, sin), in
// degrees within (-90, 90]. Searches [centre - half_range, centre + half_range]. NaN when the
// region is too small.
double fascicle_angle_deg(const cv::Mat& frame_u8, const Grid& grid, const ApoProfiles& edges,
                          const std::vector<bool>& use, double centre_deg, double half_range_deg,
                          double step_deg);

// Slope angle (degrees, image coordinates) of the deep profile over the used samples: its longest
// straight run (the line through the most samples), refined by least squares.
double deep_slope_deg(const Grid& grid, const ApoProfiles& edges, const std::vector<bool>& use);

}  // namespace dynamus::segmentation::muscle_detail

namespace dynamus::segmentation::muscle_detail {

// The linear part of the tissue's deformation from frame 0 to every frame (identity for frame 0
// and wherever the motion is missing), fitted to material points of the muscle between the
// aponeuroses over the used samples, chained through the motion pairs. Fascicles are material
// lines: their direction in frame f is this matrix times their direction in frame 0.
std::vector<cv::Matx22d> muscle_deformation(const Grid& grid, const ApoProfiles& edges0,
                                            const std::vector<bool>& use,
                                            const imaging::Motion& motion, int frames);

}  // namespace dynamus::segmentation::muscle_detail
