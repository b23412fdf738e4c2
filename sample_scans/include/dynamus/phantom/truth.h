// Ground truth of a phantom loop, in the coordinates of DESIGN.md: millimetres from the centre of
// the top-left pixel, x lateral to the right, y depth downward. Per-frame arrays have one entry per
// frame; std::nullopt (JSON null) where a quantity does not exist in that frame.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dynamus::phantom {

struct PointMm {
  double x_mm = 0.0;
  double y_mm = 0.0;
};

struct Truth {
  std::string scenario;
  std::uint64_t seed = 0;
  double spacing_mm = 0.0;
  double fps = 0.0;
  int frames = 0;
  int width_px = 0;
  int height_px = 0;

  std::vector<double> level;  // contraction level per frame, 0 rest .. 1 peak
  int rest_frame = 0;         // the middle of the first rest
  int peak_frame = 0;         // the middle of the first hold

  // Tendon boundaries sampled at boundary_x_mm, per frame: depth of the upper (superficial) and
  // lower (deep) surface; nullopt where there is no tendon (left of the myotendinous junction, in
  // a full-thickness gap).
  std::vector<double> boundary_x_mm;
  std::vector<std::vector<std::optional<double>>> tendon_upper_mm;
  std::vector<std::vector<std::optional<double>>> tendon_lower_mm;
  std::vector<std::optional<double>> tendon_thickness_median_mm;  // per frame
  std::vector<std::optional<double>> tendon_thickness_max_mm;     // per frame
  double tendon_thickness_intact_mm = 0.0;  // the tendon's thickness away from any lesion, at rest

  std::vector<double> muscle_thickness_mm;  // superficial to deep aponeurosis, at muscle_x_mm
  double muscle_x_mm = 0.0;
  std::vector<double> pennation_deg;  // fascicles against the deep aponeurosis, at muscle_x_mm

  // Tear (partial: the cleft; full: the gap between the stumps). Empty for healthy/tendinopathy.
  std::vector<std::optional<double>> gap_mm;          // along the fibre axis, per frame
  std::vector<std::vector<PointMm>> tear_polygon_mm;  // per frame; empty without a tear
  std::optional<PointMm> tear_centre_rest_mm;
  // Tendinopathy: where the thickening peaks, and by how much, at rest.
  std::optional<PointMm> thickening_centre_rest_mm;
  std::optional<double> thickening_max_mm;

  // Tissue points (outside any fluid) and their exact positions in every frame.
  std::vector<std::vector<PointMm>> seed_trajectories_mm;  // [point][frame]
};

nlohmann::json to_json(const Truth& truth);

}  // namespace dynamus::phantom
