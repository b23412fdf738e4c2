#include "ground_truth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace dynamus::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kBoundaryStepMm = 0.5;    // sampling of the tendon surfaces in the truth
constexpr double kReferenceStepMm = 0.05;  // tracing of the surfaces before resampling
constexpr int kOutlinePointsPerEnd = 16;
constexpr double kFiniteDifferenceMm = 0.5;
constexpr int kSeedColumns = 6;
// The gap: the fluid's mean length along the rows of the middle half of its depth.
constexpr double kGapBandHalfShare = 0.25;  // the rows' half-height, a share of the fluid's depth
constexpr int kGapRows = 41;
constexpr double kGapEndStepMm = 0.002;  // how finely each row's fluid is followed to its ends
constexpr double kSeedEdgeMarginMm = 1.5;
constexpr double kSeedFluidClearanceMm = 1.5;

// A deformed surface: pieces of (x, y) polylines, increasing in x; pieces split at a full tear.
using Polyline = std::vector<PointMm>;

std::vector<Polyline> deformed_surface(const Anatomy& a, const Deformation& d, double level,
                                       int frame, bool upper) {
  std::vector<Polyline> pieces(1);
  const double end_x = a.width_mm() + d.max_displacement_mm();
  for (double x = a.mtj_x_mm(); x <= end_x; x += kReferenceStepMm) {
    const double y = upper ? a.upper_surface_mm(x) : a.lower_surface_mm(x);
    const bool in_gap = a.fluid() && a.fluid()->full_thickness && x > a.proximal_end_mm(y) &&
                        x < a.distal_end_mm(y);
    if (in_gap) {
      if (!pieces.back().empty()) pieces.emplace_back();
      continue;
    }
    pieces.back().push_back(d.position({x, y}, level, frame));
  }
  return pieces;
}

std::optional<double> depth_at(const std::vector<Polyline>& pieces, double x) {
  for (const Polyline& piece : pieces) {
    if (piece.size() < 2 || x < piece.front().x_mm || x > piece.back().x_mm) continue;
    const auto it = std::lower_bound(piece.begin(), piece.end(), x,
                                     [](const PointMm& p, double v) { return p.x_mm < v; });
    if (it == piece.begin()) return it->y_mm;
    const PointMm& b = *it;
    const PointMm& a = *(it - 1);
    const double t = (x - a.x_mm) / (b.x_mm - a.x_mm);
    return a.y_mm + t * (b.y_mm - a.y_mm);
  }
  return std::nullopt;
}

std::optional<double> median(std::vector<double> values) {
  if (values.empty()) return std::nullopt;
  auto middle = values.begin() + std::ptrdiff_t(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

double angle_deg(PointMm v) { return std::atan2(v.y_mm, v.x_mm) * 180.0 / kPi; }

PointMm direction(const Deformation& d, PointMm at, PointMm unit, double level, int frame) {
  const double h = kFiniteDifferenceMm;
  const PointMm a = d.position({at.x_mm - h * unit.x_mm, at.y_mm - h * unit.y_mm}, level, frame);
  const PointMm b = d.position({at.x_mm + h * unit.x_mm, at.y_mm + h * unit.y_mm}, level, frame);
  return {b.x_mm - a.x_mm, b.y_mm - a.y_mm};
}

// Seed points on a grid in muscle, tendon and subcutaneous tissue, clear of fluid, that stay in
// the image in every frame.
std::vector<PointMm> seed_points(const Anatomy& a, const Deformation& d,
                                 const Contraction& contraction, int frames) {
  const double upper_mid = 0.5 * (a.fascia_bottom_mm() + a.upper_surface_mm(a.mtj_x_mm()));
  const std::vector<double> depths = {a.fascia_bottom_mm() + 1.5, upper_mid, a.tendon_centre_mm(),
                                      a.lower_surface_mm(a.mtj_x_mm()) + 3.0};
  std::vector<PointMm> seeds;
  for (double y : depths) {
    for (int i = 0; i < kSeedColumns; ++i) {
      const PointMm p{a.width_mm() * (0.1 + 0.8 * i / (kSeedColumns - 1)), y};
      bool clear = true;
      for (double dx : {-1.0, 0.0, 1.0}) {
        for (double dy : {-1.0, 0.0, 1.0}) {
          clear = clear && !a.in_fluid(p.x_mm + dx * kSeedFluidClearanceMm,
                                       p.y_mm + dy * kSeedFluidClearanceMm);
        }
      }
      for (int f = 0; clear && f < frames; ++f) {
        const PointMm q = d.position(p, contraction.level(f), f);
        clear = q.x_mm > kSeedEdgeMarginMm && q.x_mm < a.width_mm() - kSeedEdgeMarginMm &&
                q.y_mm > kSeedEdgeMarginMm && q.y_mm < a.height_mm() - kSeedEdgeMarginMm;
      }
      if (clear) seeds.push_back(p);
    }
  }
  return seeds;
}

// The ends of the fluid along the rows of the middle half of its depth (the truth's gap), in the
// reference configuration: proximal and distal end of each row. The stumps fray: their ends recede
// by up to a millimetre from one depth to the next, so one row's length is not the tear's gap. A
// row ends where the stump starts or, in a partial cleft, where the cleft's top crosses it.
std::vector<std::array<PointMm, 2>> gap_rows(const Anatomy& a) {
  const FluidRegion& fluid = *a.fluid();
  const double top = a.fluid_top_mm(fluid.x_centre_mm),
               bottom = a.fluid_bottom_mm(fluid.x_centre_mm);
  const double middle = 0.5 * (top + bottom), half = kGapBandHalfShare * (bottom - top);
  std::vector<std::array<PointMm, 2>> rows;
  for (int k = 0; k < kGapRows; ++k) {
    const double y = middle + half * (2.0 * k / (kGapRows - 1) - 1.0);
    if (!a.in_fluid(fluid.x_centre_mm, y)) continue;
    auto end = [&](double step_mm) {
      double x = fluid.x_centre_mm;
      while (a.in_fluid(x + step_mm, y)) x += step_mm;
      return PointMm{x, y};
    };
    rows.push_back({end(-kGapEndStepMm), end(kGapEndStepMm)});
  }
  return rows;
}

}  // namespace

std::vector<PointMm> deformed_fluid_outline(const Anatomy& anatomy, const Deformation& deformation,
                                            double level, int frame) {
  std::vector<PointMm> outline = anatomy.fluid_outline(kOutlinePointsPerEnd);
  for (PointMm& p : outline) p = deformation.position(p, level, frame);
  return outline;
}

Truth compute_truth(const PhantomParams& params, const Anatomy& a, const Deformation& d,
                    const Contraction& contraction) {
  Truth t;
  t.scenario = std::string(to_string(params.scenario));
  t.seed = params.seed;
  t.spacing_mm = params.spacing_mm;
  t.fps = params.fps;
  t.frames = params.frames;
  t.width_px = params.width_px;
  t.height_px = params.height_px;
  t.level = contraction.levels();
  t.rest_frame = contraction.rest_frame();
  t.peak_frame = contraction.peak_frame();
  t.tendon_thickness_intact_mm = a.tendon_thickness_mm();
  for (double x = 0.0; x <= (params.width_px - 1) * params.spacing_mm + 1e-9;
       x += kBoundaryStepMm) {
    t.boundary_x_mm.push_back(x);
  }
  // The muscle belly: halfway between the left edge and the start of the junction's taper.
  t.muscle_x_mm = 0.5 * (a.mtj_x_mm() - a.mtj_taper_mm());
  const double angle = a.pennation_deg() * kPi / 180.0;
  const PointMm fascicle_unit{std::cos(angle), -std::sin(angle)};
  const PointMm fascicle_at{t.muscle_x_mm,
                            0.5 * (a.fascia_bottom_mm() + a.upper_surface_mm(t.muscle_x_mm))};
  const PointMm aponeurosis_at{t.muscle_x_mm, a.upper_surface_mm(t.muscle_x_mm)};
  const std::vector<std::array<PointMm, 2>> gap_ends =
      a.fluid() ? gap_rows(a) : std::vector<std::array<PointMm, 2>>{};

  for (int f = 0; f < params.frames; ++f) {
    const double c = contraction.level(f);
    const auto upper = deformed_surface(a, d, c, f, true);
    const auto lower = deformed_surface(a, d, c, f, false);
    std::vector<std::optional<double>> up, low;
    std::vector<double> thickness;
    for (double x : t.boundary_x_mm) {
      up.push_back(depth_at(upper, x));
      low.push_back(depth_at(lower, x));
      if (up.back() && low.back()) thickness.push_back(*low.back() - *up.back());
    }
    t.tendon_upper_mm.push_back(std::move(up));
    t.tendon_lower_mm.push_back(std::move(low));
    t.tendon_thickness_median_mm.push_back(median(thickness));
    t.tendon_thickness_max_mm.push_back(
        thickness.empty() ? std::nullopt
                          : std::optional(*std::max_element(thickness.begin(), thickness.end())));

    const PointMm fascia = d.position({t.muscle_x_mm, a.fascia_bottom_mm()}, c, f);
    const PointMm aponeurosis = d.position(aponeurosis_at, c, f);
    t.muscle_thickness_mm.push_back(aponeurosis.y_mm - fascia.y_mm);
    const PointMm fibre = direction(d, fascicle_at, fascicle_unit, c, f);
    const PointMm deep = direction(d, aponeurosis_at, {1.0, 0.0}, c, f);
    t.pennation_deg.push_back(angle_deg(deep) - angle_deg(fibre));

    if (a.fluid()) {
      double gap_sum_mm = 0.0;
      for (const auto& [row_proximal, row_distal] : gap_ends)
        gap_sum_mm += d.position(row_distal, c, f).x_mm - d.position(row_proximal, c, f).x_mm;
      t.gap_mm.push_back(gap_ends.empty() ? std::optional<double>()
                                          : std::optional(gap_sum_mm / double(gap_ends.size())));
      t.tear_polygon_mm.push_back(deformed_fluid_outline(a, d, c, f));
      if (f == t.rest_frame) {
        // The centre: between the stump ends on the centre line (a partial cleft: its mid-depth).
        const FluidRegion& fluid = *a.fluid();
        const double y =
            fluid.full_thickness
                ? a.tendon_centre_mm()
                : 0.5 * (a.fluid_top_mm(fluid.x_centre_mm) + a.fluid_bottom_mm(fluid.x_centre_mm));
        const PointMm proximal = d.position({a.proximal_end_mm(y), y}, c, f);
        const PointMm distal = d.position({a.distal_end_mm(y), y}, c, f);
        t.tear_centre_rest_mm = PointMm{0.5 * (proximal.x_mm + distal.x_mm), proximal.y_mm};
      }
    } else {
      t.gap_mm.push_back(std::nullopt);
      t.tear_polygon_mm.emplace_back();
    }
  }
  if (a.thickening_centre_mm()) {
    t.thickening_centre_rest_mm =
        d.position({*a.thickening_centre_mm(), a.tendon_centre_mm()}, 0.0, t.rest_frame);
    t.thickening_max_mm = a.thickening_amount_mm();
  }

  for (const PointMm& seed : seed_points(a, d, contraction, params.frames)) {
    std::vector<PointMm> trajectory;
    for (int f = 0; f < params.frames; ++f) {
      trajectory.push_back(d.position(seed, contraction.level(f), f));
    }
    t.seed_trajectories_mm.push_back(std::move(trajectory));
  }
  return t;
}

}  // namespace dynamus::phantom
