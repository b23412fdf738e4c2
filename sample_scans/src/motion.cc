#include "motion.h"

#include <algorithm>
#include <cmath>

namespace dynamus::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Shares of one contraction cycle.
constexpr double kRestShare = 0.15, kRampShare = 0.25, kHoldShare = 0.20;
constexpr int kJitterWaves = 3;

// min(a, b) with the corner rounded over `softness`.
double smooth_min(double a, double b, double softness) {
  return 0.5 * (a + b - std::sqrt((a - b) * (a - b) + softness * softness));
}

}  // namespace

Contraction::Contraction(int frames, double fps, int cycles) {
  const double cycle_s = frames / fps / cycles;
  levels_.resize(std::size_t(frames));
  for (int f = 0; f < frames; ++f) {
    const double u = std::fmod(f / fps, cycle_s) / cycle_s;  // position in the cycle
    double level = 0.0;
    if (u < kRestShare) {
      level = 0.0;
    } else if (u < kRestShare + kRampShare) {
      level = smoothstep(kRestShare, kRestShare + kRampShare, u);
    } else if (u < kRestShare + kRampShare + kHoldShare) {
      level = 1.0;
    } else {
      level = 1.0 - smoothstep(kRestShare + kRampShare + kHoldShare,
                               kRestShare + 2 * kRampShare + kHoldShare, u);
    }
    levels_[std::size_t(f)] = level;
  }
  rest_frame_ = std::clamp(int(std::lround(0.5 * kRestShare * cycle_s * fps)), 0, frames - 1);
  peak_frame_ =
      std::clamp(int(std::lround((kRestShare + kRampShare + 0.5 * kHoldShare) * cycle_s * fps)), 0,
                 frames - 1);
}

Deformation::Deformation(const Anatomy& anatomy, const PhantomParams& params, std::mt19937_64& rng)
    : anatomy_(anatomy), fps_(params.fps), jitter_mm_(params.jitter_mm) {
  shortening_ = uniform(rng, 0.05, 0.08);
  anchor_x_mm_ = -uniform(rng, 0.2, 0.4) * anatomy.width_mm();
  distal_share_ = uniform(rng, 0.3, 0.45);
  decay_mm_ = uniform(rng, 0.15, 0.22) * anatomy.width_mm();
  retraction_mm_ = 0.0;
  if (params.scenario == Scenario::kRetractingTear) {
    // The gap grows from about 3 mm at rest to 9-10.5 mm at peak.
    const double y = anatomy.tendon_centre_mm();
    const double gap_rest = anatomy.distal_end_mm(y) - anatomy.proximal_end_mm(y);
    retraction_mm_ = uniform(rng, 9.0, 10.5) - gap_rest;
  }
  // Jitter: a few slow sinusoids per axis whose sum has the requested RMS.
  for (auto* waves : {&jitter_x_, &jitter_y_}) {
    for (int i = 0; i < kJitterWaves; ++i) {
      waves->push_back(
          {std::sqrt(2.0 / kJitterWaves), uniform(rng, 0.3, 2.0), uniform(rng, 0.0, 2.0 * kPi)});
    }
  }
  const PointMm junction = displacement_at_peak(anatomy.mtj_x_mm(), anatomy.tendon_centre_mm());
  max_displacement_mm_ = std::abs(junction.x_mm) + retraction_mm_ + 4.0 * jitter_mm_ + 1.0;
}

PointMm Deformation::displacement_at_peak(double x_mm, double y_mm) const {
  const Anatomy& a = anatomy_;
  // Shortening toward the origin; right of the junction everything moves with it.
  const double pulled_x = smooth_min(x_mm, a.mtj_x_mm(), 2.0);
  const double follow = 0.3 + 0.7 * smoothstep(a.skin_end_mm(), a.fascia_bottom_mm(), y_mm);
  double dx = -shortening_ * (pulled_x - anchor_x_mm_) * follow;

  // Thickening: depth strain in muscle (and the thin aponeurosis), none in tendon or above fascia.
  const double upper = a.upper_surface_mm(x_mm), lower = a.lower_surface_mm(x_mm);
  const double tendon = smoothstep(a.mtj_x_mm() - a.mtj_taper_mm(), a.mtj_x_mm(), x_mm);
  double dy = 0.0;
  if (y_mm > a.fascia_bottom_mm()) {
    const double above = std::min(y_mm, upper) - a.fascia_bottom_mm();
    const double band = std::clamp(y_mm - upper, 0.0, lower - upper);
    const double below = std::max(y_mm - lower, 0.0);
    dy = shortening_ * (std::max(above, 0.0) + (1.0 - tendon) * band + below);
  }

  // Stump retraction moves the tendon only: it glides in its paratenon, so the tissue around it
  // does not follow and the tendon's surfaces are sliding interfaces.
  if (retraction_mm_ > 0.0 && y_mm >= upper && y_mm <= lower) {
    const FluidRegion& gap = *a.fluid();
    const double centre_y = a.tendon_centre_mm();
    if (x_mm < gap.x_centre_mm) {
      const double decay = std::exp(-std::max(a.proximal_end_mm(centre_y) - x_mm, 0.0) / decay_mm_);
      dx -= (1.0 - distal_share_) * retraction_mm_ * decay;
    } else {
      const double decay = std::exp(-std::max(x_mm - a.distal_end_mm(centre_y), 0.0) / decay_mm_);
      dx += distal_share_ * retraction_mm_ * decay;
    }
  }
  return {dx, dy};
}

PointMm Deformation::jitter(int frame) const {
  if (jitter_mm_ <= 0.0) return {0.0, 0.0};
  const double t = frame / fps_;
  auto sum = [&](const std::vector<Wave>& waves) {
    double value = 0.0;
    for (const Wave& w : waves)
      value += w.amplitude * std::sin(2 * kPi * w.frequency_hz * t + w.phase);
    return jitter_mm_ * value / std::sqrt(2.0);  // per-axis RMS jitter/sqrt(2): total RMS jitter
  };
  return {sum(jitter_x_), sum(jitter_y_)};
}

PointMm Deformation::position(PointMm reference, double level, int frame) const {
  const PointMm u = displacement_at_peak(reference.x_mm, reference.y_mm);
  const PointMm j = jitter(frame);
  return {reference.x_mm + level * u.x_mm + j.x_mm, reference.y_mm + level * u.y_mm + j.y_mm};
}

}  // namespace dynamus::phantom
