#include "scenario_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "dynamus/imaging/motion.h"

namespace dynamus::segmentation::testing {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

phantom::PhantomParams scenario_params(phantom::Scenario scenario, std::uint64_t seed,
                                       double spacing_mm, double jitter_mm, int frames) {
  phantom::PhantomParams p;
  p.scenario = scenario;
  p.seed = seed;
  p.frames = frames;
  p.spacing_mm = spacing_mm;
  p.jitter_mm = jitter_mm;
  p.width_px = 640;
  p.height_px = 480;
  return p;
}

ScenarioRun run_scenario(const phantom::PhantomParams& params) {
  auto simulated = phantom::simulate(params);
  if (!simulated.ok()) throw std::runtime_error(simulated.status().to_string());
  ScenarioRun run{params, std::move(simulated).value(), {}, {}, {}, {}, {}, 0.0};
  auto tracker = imaging::create_tracker("default");
  auto motion = imaging::track(run.phantom.loop, **tracker);
  if (!motion.ok()) throw std::runtime_error(motion.status().to_string());
  run.motion = std::move(motion).value();
  auto phases = imaging::contraction_phases(run.motion);
  if (!phases.ok()) throw std::runtime_error(phases.status().to_string());
  run.phases = std::move(phases).value();
  const auto start = std::chrono::steady_clock::now();
  auto tendon = trace_tendon(run.phantom.loop, run.motion, run.phases);
  if (!tendon.ok()) throw std::runtime_error(tendon.status().to_string());
  run.tendon = std::move(tendon).value();
  run.thickness = measure_thickness(run.phantom.loop, run.tendon, run.phases);
  auto tear = find_tear(run.phantom.loop, run.motion, run.phases, run.tendon);
  if (!tear.ok()) throw std::runtime_error(tear.status().to_string());
  run.tear = std::move(tear).value();
  run.analysis_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

ScenarioErrors errors_of(const ScenarioRun& run) {
  const phantom::Truth& truth = run.phantom.truth;
  ScenarioErrors e;
  std::vector<double> thickness, surface, upper_bias, lower_bias;
  for (int f = 0; f < truth.frames; ++f) {
    const auto& measured = run.thickness.per_frame_median_mm[std::size_t(f)];
    const auto& expected = truth.tendon_thickness_median_mm[std::size_t(f)];
    if (measured && expected) thickness.push_back(std::abs(*measured - *expected));
    if (!expected) continue;
    if (!measured) thickness.push_back(1e9);  // a frame without a measurement counts as wrong
    for (std::size_t i = 0; i < truth.boundary_x_mm.size() && i < run.tendon.x_mm.size(); ++i) {
      const auto& up = run.tendon.upper_mm[std::size_t(f)][i];
      const auto& tu = truth.tendon_upper_mm[std::size_t(f)][i];
      const auto& low = run.tendon.lower_mm[std::size_t(f)][i];
      const auto& tl = truth.tendon_lower_mm[std::size_t(f)][i];
      if (up && tu) surface.push_back(std::abs(*up - *tu)), upper_bias.push_back(*up - *tu);
      if (low && tl) surface.push_back(std::abs(*low - *tl)), lower_bias.push_back(*low - *tl);
    }
  }
  e.thickness_error_mm = thickness.empty() ? 1e9 : median(thickness);
  e.surface_error_mm = surface.empty() ? 1e9 : median(surface);
  e.upper_bias_mm = median(upper_bias);
  e.lower_bias_mm = median(lower_bias);
  auto gap_error = [&](int f) -> std::optional<double> {
    const auto& expected = truth.gap_mm[std::size_t(f)];
    const auto& measured = run.tear.frames.size() > std::size_t(f)
                               ? run.tear.frames[std::size_t(f)].gap_mm
                               : std::optional<double>();
    if (!expected) return std::nullopt;
    if (!measured) return 1e9;
    return std::abs(*measured - *expected);
  };
  e.gap_rest_error_mm = gap_error(truth.rest_frame);
  e.gap_peak_error_mm = gap_error(truth.peak_frame);
  if (truth.thickening_centre_rest_mm && run.thickness.thickening.present) {
    e.thickening_location_error_mm =
        std::abs(run.thickness.thickening.x_mm - truth.thickening_centre_rest_mm->x_mm);
  }
  return e;
}

void draw_run(const ScenarioRun& run, const std::string& prefix) {
  const auto& loop = run.phantom.loop;
  const double sx = (*loop.calibration().spacing_mm)[0], sy = (*loop.calibration().spacing_mm)[1];
  const phantom::Truth& truth = run.phantom.truth;
  for (auto [name, f] :
       {std::pair{"rest", run.phases.rest_frame}, std::pair{"peak", run.phases.peak_frame}}) {
    const auto pixels = loop.frame(f);
    cv::Mat grey(loop.height_px(), loop.width_px(), CV_8U,
                 const_cast<std::uint8_t*>(pixels.data()));
    cv::Mat image;
    cv::cvtColor(grey, image, cv::COLOR_GRAY2BGR);
    auto px = [&](double x_mm, double y_mm) {
      return cv::Point(int(std::lround(x_mm / sx)), int(std::lround(y_mm / sy)));
    };
    for (std::size_t i = 0; i < run.tendon.x_mm.size() && run.tendon.found; ++i) {
      const double x = run.tendon.x_mm[i];
      if (const auto& up = run.tendon.upper_mm[std::size_t(f)][i]) {
        cv::circle(image, px(x, *up), 1, {0, 255, 0}, cv::FILLED);
      }
      if (const auto& low = run.tendon.lower_mm[std::size_t(f)][i]) {
        cv::circle(image, px(x, *low), 1, {0, 200, 255}, cv::FILLED);
      }
      if (i < truth.boundary_x_mm.size()) {
        if (const auto& tu = truth.tendon_upper_mm[std::size_t(f)][i]) {
          image.at<cv::Vec3b>(px(x, *tu - 0.4)) = {255, 0, 255};
        }
        if (const auto& tl = truth.tendon_lower_mm[std::size_t(f)][i]) {
          image.at<cv::Vec3b>(px(x, *tl + 0.4)) = {255, 0, 255};
        }
      }
    }
    const TearFrame& tf = run.tear.frames[std::size_t(f)];
    if (tf.proximal_end_mm)
      cv::drawMarker(image, px(tf.proximal_end_mm->x_mm, tf.proximal_end_mm->y_mm), {0, 0, 255},
                     cv::MARKER_TILTED_CROSS, 10);
    if (tf.distal_end_mm)
      cv::drawMarker(image, px(tf.distal_end_mm->x_mm, tf.distal_end_mm->y_mm), {255, 0, 0},
                     cv::MARKER_TILTED_CROSS, 10);
    std::vector<cv::Point> polygon;
    for (const PointMm& p : tf.polygon_mm) polygon.push_back(px(p.x_mm, p.y_mm));
    if (polygon.size() > 2) cv::polylines(image, polygon, true, {0, 0, 255}, 1);
    if (truth.tear_centre_rest_mm && f == truth.rest_frame && truth.gap_mm[std::size_t(f)]) {
      // The truth's stump ends at rest (the centre line, half the gap either side).
      const double half = 0.5 * *truth.gap_mm[std::size_t(f)];
      for (double side : {-1.0, 1.0}) {
        image.at<cv::Vec3b>(px(truth.tear_centre_rest_mm->x_mm + side * half,
                               truth.tear_centre_rest_mm->y_mm)) = {255, 255, 0};
      }
    }
    std::vector<cv::Point> truth_polygon;
    for (const auto& p : truth.tear_polygon_mm[std::size_t(f)])
      truth_polygon.push_back(px(p.x_mm, p.y_mm));
    if (truth_polygon.size() > 2) cv::polylines(image, truth_polygon, true, {255, 0, 255}, 1);
    cv::imwrite(prefix + "_" + name + ".png", image);
    if (truth_polygon.size() > 2) {
      // The defect magnified, to judge the stump ends by eye.
      cv::Rect box = cv::boundingRect(truth_polygon);
      box.x -= 40, box.y -= 30, box.width += 80, box.height += 60;
      box &= cv::Rect(0, 0, image.cols, image.rows);
      cv::Mat zoom;
      cv::resize(image(box), zoom, {}, 6.0, 6.0, cv::INTER_NEAREST);
      cv::imwrite(prefix + "_" + name + "_zoom.png", zoom);
    }
  }
}

}  // namespace dynamus::segmentation::testing
