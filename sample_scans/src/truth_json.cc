#include <nlohmann/json.hpp>

#include "dynamus/phantom/truth.h"

namespace dynamus::phantom {
namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json numbers(const std::vector<std::optional<double>>& values) {
  json array = json::array();
  for (const auto& v : values) array.push_back(optional_number(v));
  return array;
}

json point(const PointMm& p) { return json::array({p.x_mm, p.y_mm}); }

json points(const std::vector<PointMm>& ps) {
  json array = json::array();
  for (const PointMm& p : ps) array.push_back(point(p));
  return array;
}

}  // namespace

json to_json(const Truth& t) {
  json upper = json::array(), lower = json::array(), polygons = json::array(),
       seeds = json::array();
  for (const auto& frame : t.tendon_upper_mm) upper.push_back(numbers(frame));
  for (const auto& frame : t.tendon_lower_mm) lower.push_back(numbers(frame));
  for (const auto& polygon : t.tear_polygon_mm) polygons.push_back(points(polygon));
  for (const auto& trajectory : t.seed_trajectories_mm) seeds.push_back(points(trajectory));
  return json{
      {"schema", "dynamus.truth/1"},
      {"scenario", t.scenario},
      {"seed", t.seed},
      {"spacing_mm", {t.spacing_mm, t.spacing_mm}},
      {"fps", t.fps},
      {"frames", t.frames},
      {"width_px", t.width_px},
      {"height_px", t.height_px},
      {"contraction",
       {{"level", t.level}, {"rest_frame", t.rest_frame}, {"peak_frame", t.peak_frame}}},
      {"tendon",
       {{"boundary_x_mm", t.boundary_x_mm},
        {"upper_mm", upper},
        {"lower_mm", lower},
        {"thickness_median_mm", numbers(t.tendon_thickness_median_mm)},
        {"thickness_max_mm", numbers(t.tendon_thickness_max_mm)},
        {"thickness_intact_mm", t.tendon_thickness_intact_mm},
        {"thickening",
         {{"present", t.thickening_max_mm.has_value()},
          {"max_mm", optional_number(t.thickening_max_mm)},
          {"location_rest_mm",
           t.thickening_centre_rest_mm ? point(*t.thickening_centre_rest_mm) : json(nullptr)}}}}},
      {"muscle",
       {{"x_mm", t.muscle_x_mm},
        {"thickness_mm", t.muscle_thickness_mm},
        {"pennation_deg", t.pennation_deg}}},
      {"tear",
       {{"present", t.tear_centre_rest_mm.has_value()},
        {"gap_mm", numbers(t.gap_mm)},
        {"location_rest_mm", t.tear_centre_rest_mm ? point(*t.tear_centre_rest_mm) : json(nullptr)},
        {"polygon_mm", polygons}}},
      {"seeds", {{"trajectories_mm", seeds}}},
  };
}

}  // namespace dynamus::phantom
