#include "anatomy.h"

#include <algorithm>
#include <cmath>

namespace dynamus::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDegToRad = kPi / 180.0;

// Echogenicity of each tissue relative to a bright tendon, in dB (amplitude).
constexpr double kSkinEntryDb = 2.0;
constexpr double kSkinDb = -8.0;
constexpr double kFatDb = -31.0;
constexpr double kSeptumDb = -10.0;
constexpr double kFasciaDb = -2.0;
constexpr double kMuscleDb = -33.0;
constexpr double kPerimysiumDb = -9.0;
constexpr double kTendonDb = -3.0;
constexpr double kParatenonDb = 1.0;
constexpr double kTendinopathyDb = -22.0;
constexpr double kFluidDb = -58.0;

constexpr double kSkinEntryMm = 0.25;
constexpr double kPerimysiumHalfWidthMm = 0.09;
constexpr double kSeptumHalfWidthMm = 0.08;
constexpr double kParatenonHalfWidthMm = 0.12;

// Mixes a bright line of amplitude `line` into a background, by the line's weight in [0, 1].
double mix(double background, double line, double weight) {
  return background + weight * (line - background);
}

}  // namespace

Anatomy::Anatomy(const PhantomParams& params, std::mt19937_64& rng)
    : width_mm_(params.width_px * params.spacing_mm),
      height_mm_(params.height_px * params.spacing_mm),
      texture_seed_(rng()),
      wave_(texture_seed_ + 1),
      end_irregularity_(texture_seed_ + 2),
      lobules_(texture_seed_ + 3) {
  // Depths scale with the field of view so that small bundled scans hold every structure.
  const double h = height_mm_;
  skin_end_mm_ = uniform(rng, 0.030, 0.042) * h;
  fascia_top_mm_ = skin_end_mm_ + uniform(rng, 0.09, 0.14) * h;
  fascia_bottom_mm_ = fascia_top_mm_ + uniform(rng, 0.6, 0.9);
  tendon_thickness_mm_ = uniform(rng, 0.10, 0.13) * h;
  tendon_centre_mm_ = uniform(rng, 0.52, 0.60) * h;
  aponeurosis_thickness_mm_ = uniform(rng, 0.7, 1.0);
  mtj_x_mm_ = uniform(rng, 0.22, 0.32) * width_mm_;
  mtj_taper_mm_ = uniform(rng, 0.08, 0.12) * width_mm_;
  pennation_upper_deg_ = uniform(rng, 14.0, 22.0);
  pennation_lower_deg_ = uniform(rng, 12.0, 20.0);
  fascicle_spacing_mm_ = uniform(rng, 1.6, 2.4);
  fibril_spacing_mm_ = uniform(rng, 0.45, 0.6);
  const int septa = int(uniform(rng, 5, 9));
  for (int i = 0; i < septa; ++i) {
    septa_.push_back({uniform(rng, 0, width_mm_), uniform(rng, skin_end_mm_, fascia_top_mm_),
                      uniform(rng, -0.45, 0.45)});
  }

  const double tendon_span_mm = width_mm_ - mtj_x_mm_;
  switch (params.scenario) {
    case Scenario::kHealthy:
      break;
    case Scenario::kTendinopathy:
      thickening_centre_mm_ = mtj_x_mm_ + uniform(rng, 0.45, 0.6) * tendon_span_mm;
      thickening_amount_mm_ = uniform(rng, 0.45, 0.65) * tendon_thickness_mm_;
      thickening_length_mm_ = uniform(rng, 0.35, 0.45) * tendon_span_mm;
      break;
    case Scenario::kPartialTear:
      fluid_ = FluidRegion{mtj_x_mm_ + uniform(rng, 0.45, 0.6) * tendon_span_mm,
                           uniform(rng, 2.0, 3.0), uniform(rng, 0.4, 0.55), false};
      break;
    case Scenario::kFullTear:
      fluid_ = FluidRegion{mtj_x_mm_ + uniform(rng, 0.45, 0.6) * tendon_span_mm,
                           uniform(rng, 3.0, 4.5), 0.0, true};
      break;
    case Scenario::kRetractingTear:
      fluid_ = FluidRegion{mtj_x_mm_ + uniform(rng, 0.5, 0.6) * tendon_span_mm,
                           uniform(rng, 2.5, 3.2), 0.0, true};
      break;
  }
}

double Anatomy::thickening_mm(double x_mm) const {
  if (!thickening_centre_mm_) return 0.0;
  const double u = (x_mm - *thickening_centre_mm_) / thickening_length_mm_;
  if (std::abs(u) >= 0.5) return 0.0;
  const double c = std::cos(kPi * u);
  return thickening_amount_mm_ * c * c;
}

// Right of the junction the tendon has its full thickness; over the taper to its left it thins to
// the aponeurosis the muscle fibres insert on. Tendinopathy swells mostly toward the skin.
double Anatomy::upper_surface_mm(double x_mm) const {
  const double full = smoothstep(mtj_x_mm_ - mtj_taper_mm_, mtj_x_mm_, x_mm);
  const double half =
      0.5 * (aponeurosis_thickness_mm_ + full * (tendon_thickness_mm_ - aponeurosis_thickness_mm_));
  return tendon_centre_mm_ - half - 0.6 * thickening_mm(x_mm);
}

double Anatomy::lower_surface_mm(double x_mm) const {
  const double full = smoothstep(mtj_x_mm_ - mtj_taper_mm_, mtj_x_mm_, x_mm);
  const double half =
      0.5 * (aponeurosis_thickness_mm_ + full * (tendon_thickness_mm_ - aponeurosis_thickness_mm_));
  return tendon_centre_mm_ + half + 0.4 * thickening_mm(x_mm);
}

// Torn ends are frayed: each end recedes from the nominal gap by a smooth random amount.
double Anatomy::proximal_end_mm(double y_mm) const {
  const FluidRegion& f = *fluid_;
  return f.x_centre_mm - f.width_mm / 2 - 0.5 * (1 + end_irregularity_(y_mm / 0.6)) -
         0.25 * (1 + end_irregularity_(200.0 + y_mm / 0.2));
}

double Anatomy::distal_end_mm(double y_mm) const {
  const FluidRegion& f = *fluid_;
  return f.x_centre_mm + f.width_mm / 2 + 0.5 * (1 + end_irregularity_(50.0 + y_mm / 0.6)) +
         0.25 * (1 + end_irregularity_(300.0 + y_mm / 0.2));
}

double Anatomy::fluid_top_mm(double x_mm) const {
  const double upper = upper_surface_mm(x_mm);
  if (fluid_->full_thickness) return upper;
  const double lower = lower_surface_mm(x_mm);
  // A partial cleft reaches from the deep surface up to an irregular edge.
  return upper + fluid_->top_fraction * (lower - upper) + 0.25 * end_irregularity_(x_mm / 0.7);
}

double Anatomy::fluid_bottom_mm(double x_mm) const { return lower_surface_mm(x_mm); }

bool Anatomy::in_fluid(double x_mm, double y_mm) const {
  if (!fluid_) return false;
  if (y_mm < fluid_top_mm(x_mm) || y_mm > fluid_bottom_mm(x_mm)) return false;
  return x_mm > proximal_end_mm(y_mm) && x_mm < distal_end_mm(y_mm);
}

std::vector<PointMm> Anatomy::fluid_outline(int points_per_end) const {
  std::vector<PointMm> outline;
  if (!fluid_) return outline;
  // The ends span the fluid's depth range at their own position.
  auto end_points = [&](bool proximal) {
    std::vector<PointMm> points;
    const double x_guess =
        proximal ? proximal_end_mm(tendon_centre_mm_) : distal_end_mm(tendon_centre_mm_);
    const double top = fluid_top_mm(x_guess), bottom = fluid_bottom_mm(x_guess);
    for (int i = 0; i < points_per_end; ++i) {
      const double y = top + (bottom - top) * i / (points_per_end - 1);
      points.push_back({proximal ? proximal_end_mm(y) : distal_end_mm(y), y});
    }
    return points;
  };
  outline = end_points(true);
  std::vector<PointMm> distal = end_points(false);
  outline.insert(outline.end(), distal.rbegin(), distal.rend());
  return outline;
}

double Anatomy::fluid_echo() { return db_to_amplitude(kFluidDb); }

double Anatomy::fat_echo(double x_mm, double y_mm) const {
  double amplitude = db_to_amplitude(kFatDb + 3.0 * lobules_(x_mm / 2.5 + 7.0 * y_mm));
  for (const Septum& s : septa_) {
    const double distance =
        std::abs((y_mm - s.y_mm) * std::cos(s.angle_rad) - (x_mm - s.x_mm) * std::sin(s.angle_rad));
    const double along =
        std::abs((x_mm - s.x_mm) * std::cos(s.angle_rad) + (y_mm - s.y_mm) * std::sin(s.angle_rad));
    const double weight = std::exp(-0.5 * std::pow(distance / kSeptumHalfWidthMm, 2)) *
                          (along < 6.0 + 4.0 * wave_(s.x_mm) ? 1.0 : 0.0);
    amplitude = mix(amplitude, db_to_amplitude(kSeptumDb), weight);
  }
  return amplitude;
}

// Perimysium between fascicles shows as bright, interrupted lines at the pennation angle: rising
// toward the skin above the aponeurosis, falling away from it below.
double Anatomy::muscle_echo(double x_mm, double y_mm, bool upper) const {
  const double angle = (upper ? pennation_upper_deg_ : -pennation_lower_deg_) * kDegToRad;
  const double normal = x_mm * std::sin(angle) + y_mm * std::cos(angle);
  const double along = x_mm * std::cos(angle) - y_mm * std::sin(angle);
  const double phase =
      (normal + 0.6 * wave_(along / 6.0 + (upper ? 0 : 100)) + 0.3 * wave_(normal / 2.0 + 500.0)) /
      fascicle_spacing_mm_;
  const double line = std::round(phase);
  const double distance = std::abs(phase - line) * fascicle_spacing_mm_;
  const auto line_key = std::uint64_t(std::int64_t(line) + (upper ? 0 : 1000000)) + texture_seed_;
  const double brightness = 0.45 + 0.55 * hash01(line_key);
  const double visible =
      smoothstep(-0.6, -0.2, ValueNoise(line_key)(along / 9.0));  // long, now and then broken
  const double weight =
      brightness * visible * std::exp(-0.5 * std::pow(distance / kPerimysiumHalfWidthMm, 2));
  const double background = db_to_amplitude(kMuscleDb + 2.0 * lobules_(along / 3.0 + normal));
  return mix(background, db_to_amplitude(kPerimysiumDb), weight);
}

// Tendon: parallel fibrils along its axis, bright paratenon at its surfaces; tendinopathy makes it
// hypoechoic and blurs the fibrils.
double Anatomy::tendon_echo(double x_mm, double y_mm) const {
  const double upper = upper_surface_mm(x_mm), lower = lower_surface_mm(x_mm);
  const double phase = (y_mm - upper) / fibril_spacing_mm_ + 0.3 * wave_(x_mm / 5.0 + 300.0);
  const double fibril = 0.5 + 0.5 * std::cos(2.0 * kPi * phase);
  const double fibril_brightness =
      0.6 + 0.4 * hash01(std::uint64_t(std::int64_t(std::floor(phase))) + texture_seed_ * 7);
  const double lesion = thickening_amount_mm_ > 0 ? thickening_mm(x_mm) / thickening_amount_mm_ : 0;
  const double contrast = 0.95 * (1.0 - 0.8 * lesion);
  double amplitude = db_to_amplitude(kTendonDb + 4.0 * lobules_(x_mm / 1.5 + 50.0 * phase)) *
                     fibril_brightness * (1.0 - contrast + contrast * fibril * fibril);
  amplitude = mix(amplitude, db_to_amplitude(kTendinopathyDb), std::min(1.0, 1.3 * lesion));
  const double surface = std::min(y_mm - upper, lower - y_mm);
  return mix(amplitude, db_to_amplitude(kParatenonDb),
             std::exp(-0.5 * std::pow(surface / kParatenonHalfWidthMm, 2)));
}

double Anatomy::echo(double x_mm, double y_mm) const {
  if (y_mm < 0.0) return 0.0;
  if (y_mm < kSkinEntryMm) return db_to_amplitude(kSkinEntryDb);
  if (y_mm < skin_end_mm_) return db_to_amplitude(kSkinDb + 3.0 * lobules_(x_mm + 9.0 * y_mm));
  if (y_mm < fascia_top_mm_) return fat_echo(x_mm, y_mm);
  if (y_mm < fascia_bottom_mm_) {
    return db_to_amplitude(kFasciaDb + 3.0 * lobules_(x_mm / 2.0 + 20.0 * y_mm));
  }
  const double upper = upper_surface_mm(x_mm), lower = lower_surface_mm(x_mm);
  if (y_mm < upper) return muscle_echo(x_mm, y_mm, true);
  if (y_mm > lower) return muscle_echo(x_mm, y_mm, false);
  return tendon_echo(x_mm, y_mm);
}

}  // namespace dynamus::phantom
