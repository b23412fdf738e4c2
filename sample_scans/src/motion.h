// How the phantom moves: the contraction level over time, and the displacement of every tissue
// point as a function of that level (plus the probe's rigid jitter).
#pragma once

#include <random>
#include <vector>

#include "anatomy.h"

namespace dynamus::phantom {

// Per cycle: rest, ramp up, hold, release, rest (smooth ramps); the level is in [0, 1].
class Contraction {
 public:
  Contraction(int frames, double fps, int cycles);
  double level(int frame) const { return levels_[std::size_t(frame)]; }
  const std::vector<double>& levels() const { return levels_; }
  int rest_frame() const { return rest_frame_; }  // the middle of the first rest
  int peak_frame() const { return peak_frame_; }  // the middle of the first hold

 private:
  std::vector<double> levels_;
  int rest_frame_ = 0;
  int peak_frame_ = 0;
};

// Small-strain model, linear in the contraction level c:
//   position(X, frame) = X + c(frame) * U(X) + jitter(frame)
// U: the muscle shortens along its fibres toward its origin (left) and thickens in depth by
// incompressibility; the stiff tendon translates with the junction; skin and fat follow partly.
// A retracting tear adds stump retraction inside the tendon, decaying away from the stump ends;
// the tendon glides in its paratenon, so its surfaces are sliding interfaces.
class Deformation {
 public:
  Deformation(const Anatomy& anatomy, const PhantomParams& params, std::mt19937_64& rng);

  PointMm displacement_at_peak(double x_mm, double y_mm) const;  // U(X), mm
  PointMm jitter(int frame) const;
  PointMm position(PointMm reference, double level, int frame) const;
  // The largest lateral displacement anywhere, for margins.
  double max_displacement_mm() const { return max_displacement_mm_; }

 private:
  const Anatomy& anatomy_;
  double fps_;
  double shortening_;     // fibre strain at peak
  double anchor_x_mm_;    // the muscle's origin, beyond the left edge
  double retraction_mm_;  // gap increase at peak
  double distal_share_;   // of the retraction, taken by the distal stump
  double decay_mm_;
  double jitter_mm_;
  struct Wave {
    double amplitude, frequency_hz, phase;
  };
  std::vector<Wave> jitter_x_, jitter_y_;
  double max_displacement_mm_ = 0.0;
};

}  // namespace dynamus::phantom
