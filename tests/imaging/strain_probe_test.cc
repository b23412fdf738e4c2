// Strain along an axis, the probe's own motion and the low-quality mask, against exact motion: an
// analytic stretch, and the phantom's true motion.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <opencv2/imgproc.hpp>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/strain.h"
#include "dynamus/imaging/trajectories.h"
#include "dynamus/phantom/phantom.h"

namespace dynamus::imaging {
namespace {

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[std::size_t(q * double(values.size() - 1))];
}

// Signed distance (mm) of a point from a polygon's outline: positive inside.
double distance_into(const std::vector<phantom::PointMm>& polygon, double x_mm, double y_mm) {
  if (polygon.empty()) return -1e9;
  std::vector<cv::Point2f> outline;
  for (const auto& q : polygon) outline.emplace_back(float(q.x_mm), float(q.y_mm));
  return cv::pointPolygonTest(outline, cv::Point2f(float(x_mm), float(y_mm)), true);
}

FlowField empty_field(int step_px, int cols, int rows) {
  const std::size_t n = std::size_t(cols) * std::size_t(rows);
  return {step_px,
          cols,
          rows,
          std::vector<float>(n),
          std::vector<float>(n),
          std::vector<float>(n, 1.0f),
          0.0f,
          1.0f};
}

// Every pair stretches the tissue by 1 % laterally about x = 0 and compresses it by 2 % in depth
// about y = 0: after two pairs the lateral strain is 1.01^2 - 1, the axial 0.98^2 - 1, and at 30
// degrees the stretch is |F a| - 1 of the two combined.
TEST(Strain, MatchesAnAnalyticStretchWithAnisotropicPixels) {
  Motion motion{"analytic", 8, {}, 0.0f, 1.0f};
  for (int pair = 0; pair < 2; ++pair) {
    FlowField field = empty_field(8, 10, 8);
    for (int r = 0; r < field.rows; ++r) {
      for (int c = 0; c < field.cols; ++c) {
        // Given at the grid in the pair's first frame: a linear field, so the bilinear
        // interpolation at the moved nodes is exact.
        field.dx_px[field.index(c, r)] = float(0.01 * field.node_x_px(c));
        field.dy_px[field.index(c, r)] = float(-0.02 * field.node_y_px(r));
      }
    }
    motion.pairs.push_back(field);
  }
  const std::array<double, 2> spacing_mm{0.2, 0.1};
  const StrainField lateral = *strain_along(motion, spacing_mm, 0.0, 0);
  const StrainField axial = *strain_along(motion, spacing_mm, 90.0, 0);
  const StrainField oblique = *strain_along(motion, spacing_mm, 30.0, 0);
  const double a = std::cos(std::numbers::pi / 6), b = std::sin(std::numbers::pi / 6);
  const double expected_oblique = std::hypot(1.01 * 1.01 * a, 0.98 * 0.98 * b) - 1.0;
  // Nodes whose neighbours stayed inside the grid's hull (the field is clamped outside it: the
  // first row moves up out of it).
  for (int r = 2; r + 1 < lateral.rows; ++r) {
    for (int c = 1; c + 2 < lateral.cols; ++c) {
      EXPECT_NEAR(lateral.at(2, c, r), 1.01 * 1.01 - 1.0, 1e-5);
      EXPECT_NEAR(axial.at(2, c, r), 0.98 * 0.98 - 1.0, 1e-5);
      EXPECT_NEAR(oblique.at(2, c, r), expected_oblique, 1e-5);
      EXPECT_NEAR(lateral.at(0, c, r), 0.0, 1e-7);
    }
  }
  EXPECT_TRUE(std::isnan(lateral.at(1, 0, 0))) << "the rim has no central difference";
  // Relative to frame 1, frame 2 is one more 1 % step.
  EXPECT_NEAR((*strain_along(motion, spacing_mm, 0.0, 1)).at(2, 4, 4), 0.01, 1e-5);
  EXPECT_EQ(strain_along(motion, spacing_mm, 0.0, 3).status().code(), StatusCode::kInvalidArgument);
}

phantom::PhantomParams phantom_params(std::uint64_t seed, double spacing_mm, double jitter_mm) {
  phantom::PhantomParams p;
  p.scenario = phantom::Scenario::kRetractingTear;
  p.seed = seed;
  p.frames = 40;
  p.width_px = 320;
  p.height_px = 240;
  p.spacing_mm = spacing_mm;
  p.jitter_mm = jitter_mm;
  return p;
}

// The phantom's exact motion on the same grid, pair by pair, as a Motion.
Motion true_motion(const phantom::PhantomParams& p, const Motion& like) {
  Motion motion{"truth", like.step_px, {}, 0.0f, 1.0f};
  for (std::size_t f = 0; f < like.pairs.size(); ++f) {
    FlowField field = empty_field(like.step_px, like.pairs[f].cols, like.pairs[f].rows);
    std::vector<phantom::PointMm> nodes;
    for (int r = 0; r < field.rows; ++r) {
      for (int c = 0; c < field.cols; ++c) {
        nodes.push_back({field.node_x_px(c) * p.spacing_mm, field.node_y_px(r) * p.spacing_mm});
      }
    }
    const auto moved = *phantom::true_positions(p, nodes, int(f), int(f) + 1);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      field.dx_px[i] = float((moved[i].x_mm - nodes[i].x_mm) / p.spacing_mm);
      field.dy_px[i] = float((moved[i].y_mm - nodes[i].y_mm) / p.spacing_mm);
    }
    motion.pairs.push_back(std::move(field));
  }
  return motion;
}

// Strain of the tracked motion against the strain of the true motion, at peak contraction
// relative to rest, where the tracker trusts the tissue: lateral (the muscle shortens along its
// fibres toward its origin) and in depth (it thickens).
TEST(Strain, TrackedStrainFollowsThePhantomsTrueStrain) {
  for (const auto& [seed, spacing_mm, jitter_mm] :
       {std::tuple{1, 0.1, 0.0}, std::tuple{2, 0.08, 0.1}, std::tuple{3, 0.12, 0.1}}) {
    const phantom::PhantomParams p = phantom_params(std::uint64_t(seed), spacing_mm, jitter_mm);
    const phantom::PhantomLoop loop = *phantom::simulate(p);
    const Motion tracked = *track(loop.loop, *create_tracker("default").value());
    const Motion exact = true_motion(p, tracked);
    const int rest = loop.truth.rest_frame, peak = loop.truth.peak_frame;
    for (double axis_deg : {0.0, 90.0}) {
      const StrainField measured = *strain_along(tracked, {spacing_mm, spacing_mm}, axis_deg, rest);
      const StrainField truth = *strain_along(exact, {spacing_mm, spacing_mm}, axis_deg, rest);
      // Away from the tear: across the stumps the true retraction is a step that no smooth
      // field resolves on a 16 px grid (the tear's own measures deal with it).
      std::vector<double> errors, true_values;
      double measured_sum = 0, truth_sum = 0;
      for (int r = 0; r < measured.rows; ++r) {
        for (int c = 0; c < measured.cols; ++c) {
          const float m = measured.at(peak, c, r), t = truth.at(peak, c, r);
          const double x_mm = (c + 1) * measured.step_px * spacing_mm;
          const double y_mm = (r + 1) * measured.step_px * spacing_mm;
          const auto& polygon = loop.truth.tear_polygon_mm[std::size_t(peak)];
          if (std::isnan(m) || std::isnan(t) || distance_into(polygon, x_mm, y_mm) > -3.0) continue;
          errors.push_back(std::abs(double(m) - t));
          true_values.push_back(std::abs(double(t)));
          measured_sum += m, truth_sum += t;
        }
      }
      const double regional_error = std::abs(measured_sum - truth_sum) / double(errors.size());
      ASSERT_GT(errors.size(), measured.per_frame[0].size() / 2) << "most nodes are tissue";
      const double median = quantile(errors, 0.5), p90 = quantile(errors, 0.9);
      std::cout << "seed " << seed << ", " << spacing_mm << " mm/px, jitter " << jitter_mm
                << ", axis " << axis_deg << " deg: true |strain| median "
                << quantile(true_values, 0.5) << ", error median " << median << ", p90 " << p90
                << ", of the mean " << regional_error << "\n";
      // Lateral strain is small in this model (the fibres shorten obliquely); the muscle
      // thickens by several per cent in depth.
      if (axis_deg == 90.0) {
        EXPECT_GT(quantile(true_values, 0.5), 0.03) << "the phantom deforms";
      }
      EXPECT_LE(median, 0.006) << "0.6 % strain at a node";
      EXPECT_LE(p90, 0.02) << "2 % strain at a node";
      EXPECT_LE(regional_error, 0.006) << "0.6 % strain averaged over the tissue";
    }
  }
}

// The probe's jitter is a rigid translation of the whole image: at rest (contraction level 0 in
// truth) every tissue point's true displacement since frame 0 is the jitter itself; during the
// hold (level 1) the differences between frames are.
TEST(ProbeMotion, SeparatesTheProbesJitterFromTheContraction) {
  for (std::uint64_t seed : {1, 2, 3}) {
    phantom::PhantomParams p = phantom_params(seed, 0.1, 0.1);
    p.frames = 60;
    const phantom::PhantomLoop loop = *phantom::simulate(p);
    const Motion motion = *track(loop.loop, *create_tracker("default").value());
    const ContractionPhases phases = *contraction_phases(motion);
    ASSERT_EQ(phases.probe_shift_px.size(), std::size_t(p.frames));
    const phantom::PointMm point = loop.truth.seed_trajectories_mm[0][0];
    auto true_shift_mm = [&](int from, int to) {
      const phantom::PointMm moved = (*phantom::true_positions(p, std::span(&point, 1), 0, to))[0];
      const phantom::PointMm base = (*phantom::true_positions(p, std::span(&point, 1), 0, from))[0];
      return std::array<double, 2>{moved.x_mm - base.x_mm, moved.y_mm - base.y_mm};
    };
    auto measured_mm = [&](int from, int to) {
      return std::array<double, 2>{(phases.probe_shift_px[std::size_t(to)][0] -
                                    phases.probe_shift_px[std::size_t(from)][0]) *
                                       p.spacing_mm,
                                   (phases.probe_shift_px[std::size_t(to)][1] -
                                    phases.probe_shift_px[std::size_t(from)][1]) *
                                       p.spacing_mm};
    };
    std::vector<double> errors, sizes;
    for (int f = 0; f < p.frames; ++f) {
      const double level = loop.truth.level[std::size_t(f)];
      int from = -1;
      if (level == 0.0) from = 0;
      if (level == 1.0) from = loop.truth.peak_frame;
      if (from < 0) continue;
      const auto truth = true_shift_mm(from, f), measured = measured_mm(from, f);
      errors.push_back(std::hypot(measured[0] - truth[0], measured[1] - truth[1]));
      sizes.push_back(std::hypot(truth[0], truth[1]));
    }
    ASSERT_GE(errors.size(), 20u);
    std::cout << "seed " << seed << ": probe shift at rest and hold frames, true median "
              << quantile(sizes, 0.5) << " mm, error median " << quantile(errors, 0.5)
              << " mm, max " << quantile(errors, 1.0) << " mm\n";
    EXPECT_GT(quantile(sizes, 0.5), 0.03) << "the jitter is there to be found";
    EXPECT_LE(quantile(errors, 0.5), 0.02);
    EXPECT_LE(quantile(errors, 1.0), 0.06);
  }
}

// Inside the anechoic gap there is no speckle to follow: the tracker marks those nodes untrusted;
// in the tissue around it almost none.
TEST(LowQualityMask, CoversTheFluidGapAndSparesTheTissue) {
  phantom::PhantomParams p = phantom_params(4, 0.1, 0.0);
  p.frames = 30;
  const phantom::PhantomLoop loop = *phantom::simulate(p);
  const Motion motion = *track(loop.loop, *create_tracker("default").value());
  int gap_nodes = 0, gap_untrusted = 0, tissue_nodes = 0, tissue_untrusted = 0;
  for (int f = 0; f + 1 < p.frames; ++f) {
    const FlowField& field = motion.pairs[std::size_t(f)];
    const auto& polygon = loop.truth.tear_polygon_mm[std::size_t(f)];
    for (int r = 0; r < field.rows; ++r) {
      for (int c = 0; c < field.cols; ++c) {
        const double x = field.node_x_px(c) * p.spacing_mm, y = field.node_y_px(r) * p.spacing_mm;
        // mm: more than half a tracking window (1.7 mm) inside the fluid; well clear outside.
        const double depth_mm = distance_into(polygon, x, y);
        if (depth_mm >= 1.0) {
          ++gap_nodes;
          gap_untrusted += field.trusted(c, r) ? 0 : 1;
        } else if (depth_mm <= -2.5) {
          ++tissue_nodes;
          tissue_untrusted += field.trusted(c, r) ? 0 : 1;
        }
      }
    }
  }
  ASSERT_GT(gap_nodes, 20);
  const double gap_share = double(gap_untrusted) / gap_nodes;
  const double tissue_share = double(tissue_untrusted) / tissue_nodes;
  std::cout << "untrusted: " << 100 * gap_share << " % of " << gap_nodes << " gap nodes, "
            << 100 * tissue_share << " % of " << tissue_nodes << " tissue nodes\n";
  EXPECT_GE(gap_share, 0.8);
  EXPECT_LE(tissue_share, 0.05);
}

// A screen recording (the bundled retracting tear inside scanner chrome, H.264): motion is tracked
// inside the auto-detected image region only, and the phases still match the truth.
TEST(ScreenRecording, TracksInsideTheDetectedRegionOnly) {
  const std::filesystem::path dir = std::filesystem::path(DYNAMUS_BINARY_DIR) / "sample_scans";
  const CineLoop loop = *load(dir / "retracting-tear.screen.mp4");
  const nlohmann::json truth =
      nlohmann::json::parse(std::ifstream(dir / "retracting-tear.truth.json"));
  // H.264 smears the image's edge by a few pixels (docs/loading.md).
  EXPECT_NEAR(loop.width_px(), truth["width_px"].get<int>(), 4);
  EXPECT_NEAR(loop.height_px(), truth["height_px"].get<int>(), 4);
  EXPECT_EQ(loop.region_source(), RegionSource::kDetected);
  const Motion motion = *track(loop, *create_tracker("default").value());
  const FlowField& field = motion.pairs.front();
  EXPECT_EQ(field.cols, (loop.width_px() - 1) / motion.step_px) << "the grid spans the region";
  EXPECT_EQ(field.rows, (loop.height_px() - 1) / motion.step_px);
  const ContractionPhases phases = *contraction_phases(motion);
  std::cout << "screen recording: rest " << phases.rest_frame << " (truth "
            << truth["contraction"]["rest_frame"] << "), peak " << phases.peak_frame << " (truth "
            << truth["contraction"]["peak_frame"] << "), " << 100 * motion.trackable_share
            << " % trackable, forward-backward " << motion.forward_backward_error_px << " px\n";
  EXPECT_NEAR(phases.rest_frame, truth["contraction"]["rest_frame"].get<int>(), 2);
  EXPECT_NEAR(phases.peak_frame, truth["contraction"]["peak_frame"].get<int>(), 2);
  EXPECT_GE(motion.trackable_share, 0.7f);
}

}  // namespace
}  // namespace dynamus::imaging
