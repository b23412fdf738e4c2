#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "anatomy.h"
#include "dynamus/phantom/phantom.h"
#include "dynamus/phantom/scanner.h"
#include "ground_truth.h"
#include "model.h"
#include "motion.h"

namespace dynamus::phantom {
namespace {

// Electronic noise relative to the brightest tissue, before time-gain compensation.
constexpr double kNoiseDb = -72.0;
// The B-mode reference level: this quantile of the rest frame's envelope shows as white.
constexpr double kReferenceQuantile = 0.995;
constexpr std::size_t kMaxFrameBytes = std::size_t{2} << 30;
// Fixed-point iterations inverting the displacement field (strain <= 8 %: error shrinks 12x each).
constexpr int kInversionIterations = 12;

std::string_view kNames[] = {"healthy", "tendinopathy", "partial-tear", "full-tear",
                             "retracting-tear"};

struct TissueScatterer {
  float x_mm, y_mm, amplitude;
  float dx_mm, dy_mm;  // displacement at peak contraction
};

std::vector<TissueScatterer> tissue_scatterers(const Anatomy& a, const Deformation& d,
                                               double density_per_mm2, std::mt19937_64& rng) {
  const double margin = d.max_displacement_mm();
  const double x0 = -margin, x1 = a.width_mm() + margin;
  const double y0 = -0.5, y1 = a.height_mm() + 0.5;
  const auto count = std::size_t(density_per_mm2 * (x1 - x0) * (y1 - y0));
  std::uniform_real_distribution<double> ux(x0, x1), uy(y0, y1);
  std::vector<TissueScatterer> scatterers;
  scatterers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const double x = ux(rng), y = uy(rng);
    const std::uint64_t bits = rng();
    if (a.in_fluid(x, y)) continue;
    const double echo = a.echo(x, y);
    if (echo <= 0.0) continue;
    const PointMm u = d.displacement_at_peak(x, y);
    scatterers.push_back(
        {float(x), float(y), scatterer_amplitude(echo, bits), float(u.x_mm), float(u.y_mm)});
  }
  // In depth order the splatting walks along the grid's rows instead of jumping across it (the
  // motion is smooth, so the order survives it): about twice as fast.
  std::sort(scatterers.begin(), scatterers.end(),
            [](const TissueScatterer& p, const TissueScatterer& q) { return p.y_mm < q.y_mm; });
  return scatterers;
}

// Fluid has no lasting speckle: its few weak scatterers are drawn anew in every frame, inside the
// region between the stumps as it is in that frame.
void add_fluid_scatterers(const std::vector<PointMm>& outline, double density_per_mm2,
                          std::uint64_t seed, std::vector<Scatterer>& out) {
  if (outline.size() < 3) return;
  std::vector<cv::Point2f> polygon;
  for (const PointMm& p : outline) polygon.emplace_back(float(p.x_mm), float(p.y_mm));
  const auto [min_x, max_x] =
      std::minmax_element(polygon.begin(), polygon.end(), [](auto a, auto b) { return a.x < b.x; });
  const auto [min_y, max_y] =
      std::minmax_element(polygon.begin(), polygon.end(), [](auto a, auto b) { return a.y < b.y; });
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> ux(min_x->x, max_x->x), uy(min_y->y, max_y->y);
  const auto tries =
      std::size_t(density_per_mm2 * double(max_x->x - min_x->x) * double(max_y->y - min_y->y));
  const double echo = Anatomy::fluid_echo();
  for (std::size_t i = 0; i < tries; ++i) {
    const cv::Point2f p(ux(rng), uy(rng));
    const std::uint64_t bits = rng();
    if (cv::pointPolygonTest(polygon, p, false) > 0) {
      out.push_back({p.x, p.y, scatterer_amplitude(echo, bits)});
    }
  }
}

std::uint64_t frame_seed(std::uint64_t seed, int frame) {
  return hash64(hash64(seed) + std::uint64_t(frame));
}

}  // namespace

std::string_view to_string(Scenario scenario) { return kNames[int(scenario)]; }

Result<Scenario> parse_scenario(std::string_view name) {
  for (Scenario s : all_scenarios()) {
    if (to_string(s) == name) return s;
  }
  return Status(StatusCode::kInvalidArgument,
                fmt::format("unknown scenario '{}' (healthy, tendinopathy, partial-tear, "
                            "full-tear, retracting-tear)",
                            name));
}

const std::vector<Scenario>& all_scenarios() {
  static const std::vector<Scenario> scenarios = {Scenario::kHealthy, Scenario::kTendinopathy,
                                                  Scenario::kPartialTear, Scenario::kFullTear,
                                                  Scenario::kRetractingTear};
  return scenarios;
}

Status validate(const PhantomParams& p) {
  auto bad = [](const std::string& message) {
    return Status(StatusCode::kInvalidArgument, message);
  };
  if (p.frames < 2 || p.frames > 10000) return bad("--frames must be 2..10000");
  if (!(p.fps > 0.0 && p.fps <= 1000.0)) return bad("--fps must be in (0, 1000]");
  if (!(p.spacing_mm >= 0.02 && p.spacing_mm <= 0.5)) return bad("--spacing must be 0.02..0.5 mm");
  if (p.width_px < 64 || p.height_px < 64 || p.width_px > 2048 || p.height_px > 2048) {
    return bad("--size must be 64..2048 pixels each way");
  }
  if (!(p.frequency_mhz >= 5.0 && p.frequency_mhz <= 20.0)) return bad("--freq must be 5..20 MHz");
  if (!(p.dynamic_range_db >= 20.0 && p.dynamic_range_db <= 100.0)) {
    return bad("dynamic range must be 20..100 dB");
  }
  if (!(p.jitter_mm >= 0.0 && p.jitter_mm <= 2.0)) return bad("--jitter must be 0..2 mm");
  if (p.cycles < 1 || p.cycles > 20) return bad("--cycles must be 1..20");
  if (std::size_t(p.frames) * std::size_t(p.width_px) * std::size_t(p.height_px) > kMaxFrameBytes) {
    return bad("frames x width x height exceeds 2 GiB");
  }
  return ok_status();
}

Result<PhantomLoop> simulate(const PhantomParams& params) {
  DYNAMUS_RETURN_IF_ERROR(validate(params));
  Model model(params);
  const Anatomy& anatomy = model.anatomy();
  const Deformation& deformation = model.deformation();
  const Contraction& contraction = model.contraction();

  ScannerParams scanner_params;
  scanner_params.frequency_mhz = params.frequency_mhz;
  scanner_params.spacing_mm = params.spacing_mm;
  scanner_params.width_px = params.width_px;
  scanner_params.height_px = params.height_px;
  scanner_params.dynamic_range_db = params.dynamic_range_db;
  scanner_params.noise_db = kNoiseDb;
  const Scanner scanner(scanner_params);
  const double density = scanner.scatterer_density_per_mm2();

  const std::vector<TissueScatterer> tissue =
      tissue_scatterers(anatomy, deformation, density, model.rng());
  auto render = [&](int frame) {
    const double level = contraction.level(frame);
    const PointMm jitter = deformation.jitter(frame);
    std::vector<Scatterer> scatterers;
    scatterers.reserve(tissue.size() + tissue.size() / 50);
    for (const TissueScatterer& s : tissue) {
      scatterers.push_back({float(s.x_mm + level * s.dx_mm + jitter.x_mm),
                            float(s.y_mm + level * s.dy_mm + jitter.y_mm), s.amplitude});
    }
    add_fluid_scatterers(deformed_fluid_outline(anatomy, deformation, level, frame), density,
                         frame_seed(params.seed, frame) ^ 0x5eedULL, scatterers);
    return scanner.pixel_envelope(scatterers, frame_seed(params.seed, frame));
  };

  // The rest frame fixes the display's reference level for the whole loop.
  const cv::Mat rest = render(contraction.rest_frame());
  std::vector<float> values(rest.begin<float>(), rest.end<float>());
  auto quantile = values.begin() + std::ptrdiff_t(kReferenceQuantile * double(values.size()));
  std::nth_element(values.begin(), quantile, values.end());
  const double reference = *quantile;

  imaging::CineLoop::Parts parts;
  parts.width_px = params.width_px;
  parts.height_px = params.height_px;
  parts.frame_count = params.frames;
  const std::size_t frame_size = std::size_t(params.width_px) * std::size_t(params.height_px);
  parts.pixels.resize(frame_size * std::size_t(params.frames));
  cv::parallel_for_(cv::Range(0, params.frames), [&](const cv::Range& range) {
    for (int f = range.start; f < range.end; ++f) {
      const cv::Mat envelope = f == contraction.rest_frame() ? rest : render(f);
      cv::Mat destination(params.height_px, params.width_px, CV_8UC1,
                          parts.pixels.data() + std::size_t(f) * frame_size);
      scanner.log_compress(envelope, reference).copyTo(destination);
    }
  });
  parts.timing = {imaging::TimingSource::kUser, {}};
  for (int f = 0; f < params.frames; ++f) parts.timing.timestamps_s.push_back(f / params.fps);
  parts.calibration = {imaging::CalibrationSource::kUser,
                       std::array<double, 2>{params.spacing_mm, params.spacing_mm}, true,
                       "phantom"};
  parts.region_px = {0, 0, params.width_px - 1, params.height_px - 1};
  parts.region_source = imaging::RegionSource::kFullFrame;
  parts.source.format = "phantom";
  parts.source.path = fmt::format("phantom:{}/{}", to_string(params.scenario), params.seed);
  parts.source.width_px = params.width_px;
  parts.source.height_px = params.height_px;
  DYNAMUS_ASSIGN_OR_RETURN(imaging::CineLoop loop, imaging::CineLoop::create(std::move(parts)));
  return PhantomLoop{std::move(loop), compute_truth(params, anatomy, deformation, contraction)};
}

Result<std::vector<PointMm>> true_positions(const PhantomParams& params,
                                            std::span<const PointMm> points, int from, int to) {
  DYNAMUS_RETURN_IF_ERROR(validate(params));
  if (from < 0 || to < 0 || from >= params.frames || to >= params.frames) {
    return Status(StatusCode::kInvalidArgument, "frame index outside the loop");
  }
  const Model model(params);
  const Deformation& d = model.deformation();
  const double level_from = model.contraction().level(from);
  const PointMm jitter_from = d.jitter(from);
  std::vector<PointMm> moved;
  for (const PointMm& p : points) {
    // The reference point X with X + c U(X) + jitter = p: a fixed point, reached quickly because
    // the strain is small.
    PointMm x{p.x_mm - jitter_from.x_mm, p.y_mm - jitter_from.y_mm};
    for (int iteration = 0; iteration < kInversionIterations; ++iteration) {
      const PointMm u = d.displacement_at_peak(x.x_mm, x.y_mm);
      x = {p.x_mm - jitter_from.x_mm - level_from * u.x_mm,
           p.y_mm - jitter_from.y_mm - level_from * u.y_mm};
    }
    moved.push_back(d.position(x, model.contraction().level(to), to));
  }
  return moved;
}

}  // namespace dynamus::phantom
