// The randomised anatomy of a phantom in its reference (rest) configuration, in mm: skin,
// subcutaneous fat with septa, fascia, bipennate muscle around a central tendon into which the
// muscle merges at the myotendinous junction, and the scenario's lesion.
#pragma once

#include <optional>
#include <random>
#include <vector>

#include "dynamus/phantom/phantom.h"
#include "noise.h"

namespace dynamus::phantom {

// A fluid region (gap or cleft) bounded by two stump ends and two tendon surfaces.
struct FluidRegion {
  double x_centre_mm = 0.0;
  double width_mm = 0.0;      // between the stump ends at their nearest
  double top_fraction = 0.0;  // 0: from the upper surface; else depth share left intact above
  bool full_thickness = true;
};

class Anatomy {
 public:
  Anatomy(const PhantomParams& params, std::mt19937_64& rng);

  double width_mm() const { return width_mm_; }
  double height_mm() const { return height_mm_; }
  double skin_end_mm() const { return skin_end_mm_; }
  double fascia_bottom_mm() const { return fascia_bottom_mm_; }
  double mtj_taper_mm() const { return mtj_taper_mm_; }
  double mtj_x_mm() const { return mtj_x_mm_; }
  double tendon_centre_mm() const { return tendon_centre_mm_; }
  double tendon_thickness_mm() const { return tendon_thickness_mm_; }
  double pennation_deg() const { return pennation_upper_deg_; }

  // Surfaces of the tendon (right of the junction) or of the aponeurosis it continues as.
  double upper_surface_mm(double x_mm) const;
  double lower_surface_mm(double x_mm) const;

  // Extra thickness of tendinopathy at x (0 elsewhere).
  double thickening_mm(double x_mm) const;
  std::optional<double> thickening_centre_mm() const { return thickening_centre_mm_; }
  double thickening_amount_mm() const { return thickening_amount_mm_; }

  const std::optional<FluidRegion>& fluid() const { return fluid_; }
  // Stump ends of the fluid region at depth y (reference configuration).
  double proximal_end_mm(double y_mm) const;
  double distal_end_mm(double y_mm) const;
  // Depth range of the fluid region at x (only meaningful between the ends).
  double fluid_top_mm(double x_mm) const;
  double fluid_bottom_mm(double x_mm) const;
  bool in_fluid(double x_mm, double y_mm) const;
  // The fluid region's outline: proximal end top to bottom, distal end bottom to top.
  std::vector<PointMm> fluid_outline(int points_per_end) const;

  // Echo amplitude (standard deviation of scatterer amplitudes, linear) of tissue at a point.
  double echo(double x_mm, double y_mm) const;
  static double fluid_echo();

 private:
  double muscle_echo(double x_mm, double y_mm, bool upper) const;
  double fat_echo(double x_mm, double y_mm) const;
  double tendon_echo(double x_mm, double y_mm) const;

  double width_mm_, height_mm_;
  double skin_end_mm_, fascia_top_mm_, fascia_bottom_mm_;
  double tendon_centre_mm_, tendon_thickness_mm_, aponeurosis_thickness_mm_;
  double mtj_x_mm_, mtj_taper_mm_;
  double pennation_upper_deg_, pennation_lower_deg_;
  double fascicle_spacing_mm_, fibril_spacing_mm_;
  std::optional<double> thickening_centre_mm_;
  double thickening_amount_mm_ = 0.0, thickening_length_mm_ = 0.0;
  std::optional<FluidRegion> fluid_;
  struct Septum {
    double x_mm, y_mm, angle_rad;
  };
  std::vector<Septum> septa_;
  std::uint64_t texture_seed_;
  ValueNoise wave_, end_irregularity_, lobules_;
};

}  // namespace dynamus::phantom
