#include "dynamus/review/review.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "dynamus/overlay/overlay.h"

namespace dynamus::review {
namespace {

constexpr std::array<std::string_view, 4> kDecisionNames{"pending", "accepted", "rejected",
                                                         "uncertain"};

std::optional<double> length_along(const std::optional<std::array<PointMm, 2>>& caliper,
                                   const std::array<double, 2>& axis) {
  if (!caliper) return std::nullopt;
  const auto& [from, to] = *caliper;
  return std::abs((to.x_mm - from.x_mm) * axis[0] + (to.y_mm - from.y_mm) * axis[1]);
}

std::optional<double> area(const std::vector<PointMm>& polygon) {
  if (polygon.size() < 3) return std::nullopt;
  double twice = 0;
  for (std::size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++)
    twice += polygon[j].x_mm * polygon[i].y_mm - polygon[i].x_mm * polygon[j].y_mm;
  return std::abs(twice) / 2;
}

// The defect's outline follows the tendon's surfaces sample by sample: a vertex every fraction of
// a millimetre, too dense to grab one. Its corners (Douglas-Peucker within a tenth of a
// millimetre, under a pixel of the bundled scans) are what a reviewer moves.
constexpr double kOutlineToleranceMm = 0.1;

double distance_to_line(const PointMm& p, const PointMm& a, const PointMm& b) {
  const double dx = b.x_mm - a.x_mm, dy = b.y_mm - a.y_mm;
  const double length = std::hypot(dx, dy);
  if (length == 0) return std::hypot(p.x_mm - a.x_mm, p.y_mm - a.y_mm);
  return std::abs(dy * (p.x_mm - a.x_mm) - dx * (p.y_mm - a.y_mm)) / length;
}

void keep_corners(const std::vector<PointMm>& points, std::size_t first, std::size_t last,
                  std::vector<bool>& kept) {
  if (last <= first + 1) return;
  std::size_t farthest = first;
  double farthest_mm = 0;
  for (std::size_t i = first + 1; i < last; ++i) {
    const double d = distance_to_line(points[i], points[first], points[last]);
    if (d > farthest_mm) farthest = i, farthest_mm = d;
  }
  if (farthest_mm <= kOutlineToleranceMm) return;
  kept[farthest] = true;
  keep_corners(points, first, farthest, kept);
  keep_corners(points, farthest, last, kept);
}

std::vector<PointMm> corners(const std::vector<PointMm>& polygon) {
  if (polygon.size() <= 4) return polygon;
  // Closed: split at the vertex farthest from the first, simplify both halves.
  std::size_t opposite = 0;
  for (std::size_t i = 1; i < polygon.size(); ++i) {
    if (std::hypot(polygon[i].x_mm - polygon[0].x_mm, polygon[i].y_mm - polygon[0].y_mm) >
        std::hypot(polygon[opposite].x_mm - polygon[0].x_mm,
                   polygon[opposite].y_mm - polygon[0].y_mm))
      opposite = i;
  }
  std::vector<PointMm> ring = polygon;
  ring.push_back(polygon.front());
  std::vector<bool> kept(ring.size(), false);
  kept[0] = kept[opposite] = true;
  keep_corners(ring, 0, opposite, kept);
  keep_corners(ring, opposite, ring.size() - 1, kept);
  std::vector<PointMm> result;
  for (std::size_t i = 0; i < polygon.size(); ++i)
    if (kept[i]) result.push_back(polygon[i]);
  return result;
}

Finding tear_finding(const segmentation::Analysis& analysis) {
  const segmentation::Tear& tear = analysis.tear;
  Finding finding;
  finding.kind = FindingKind::kTear;
  finding.id = "tear";
  finding.title = fmt::format("{} tear, score {:.2f}", tear.kind, tear.score);
  finding.measure = "gap";
  finding.axis = {1.0, 0.0};
  finding.key_frame = analysis.phases.peak_frame;
  for (const segmentation::TearFrame& at : tear.frames) {
    FindingFrame frame;
    if (at.proximal_end_mm && at.distal_end_mm)
      frame.caliper_mm = std::array<PointMm, 2>{*at.proximal_end_mm, *at.distal_end_mm};
    frame.region_mm = corners(at.polygon_mm);
    finding.frames.push_back(std::move(frame));
  }
  return finding;
}

Finding thickening_finding(const segmentation::Analysis& analysis, int frame_count) {
  const segmentation::Thickening& thickening = analysis.tendon_thickness.thickening;
  Finding finding;
  finding.kind = FindingKind::kThickening;
  finding.id = "thickening";
  finding.title = fmt::format("focal thickening {:.1f} mm ({:.2f}x) at x {:.1f} mm",
                              thickening.max_mm, thickening.ratio, thickening.x_mm);
  finding.measure = "thickness";
  finding.axis = {0.0, 1.0};
  finding.key_frame = analysis.phases.rest_frame;
  // The caliper the overlay draws, so that what is corrected is what was shown.
  for (int f = 0; f < frame_count; ++f) {
    FindingFrame frame;
    if (auto caliper = overlay::thickness_caliper(analysis.tendon, analysis.tear, f))
      frame.caliper_mm = std::array<PointMm, 2>{caliper->from_mm, caliper->to_mm};
    finding.frames.push_back(std::move(frame));
  }
  return finding;
}

}  // namespace

std::string_view to_string(Decision decision) { return kDecisionNames[std::size_t(decision)]; }

std::optional<Decision> decision_from_string(std::string_view text) {
  const auto found = std::find(kDecisionNames.begin(), kDecisionNames.end(), text);
  if (found == kDecisionNames.end()) return std::nullopt;
  return Decision(found - kDecisionNames.begin());
}

FindingFrame Finding::corrected(int frame) const {
  if (frame < 0 || std::size_t(frame) >= frames.size()) return {};
  FindingFrame result = frames[std::size_t(frame)];
  for (const Correction& c : corrections) {
    if (c.frame != frame) continue;
    if (c.handle == Handle::kCaliperEnd && result.caliper_mm) {
      (*result.caliper_mm)[std::size_t(c.index)] = c.to_mm;
    } else if (c.handle == Handle::kRegionVertex &&
               std::size_t(c.index) < result.region_mm.size()) {
      result.region_mm[std::size_t(c.index)] = c.to_mm;
    }
  }
  return result;
}

std::optional<double> Finding::measurement_mm(int frame) const {
  return length_along(corrected(frame).caliper_mm, axis);
}

std::optional<double> Finding::analysed_measurement_mm(int frame) const {
  if (frame < 0 || std::size_t(frame) >= frames.size()) return std::nullopt;
  return length_along(frames[std::size_t(frame)].caliper_mm, axis);
}

std::optional<double> Finding::region_area_mm2(int frame) const {
  return area(corrected(frame).region_mm);
}

std::optional<double> Finding::analysed_region_area_mm2(int frame) const {
  if (frame < 0 || std::size_t(frame) >= frames.size()) return std::nullopt;
  return area(frames[std::size_t(frame)].region_mm);
}

std::vector<int> Finding::corrected_frames() const {
  std::vector<int> result;
  for (const Correction& c : corrections) result.push_back(c.frame);
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

std::vector<Finding> findings(const segmentation::Analysis& analysis) {
  std::vector<Finding> result;
  if (analysis.tear.suspected) result.push_back(tear_finding(analysis));
  if (analysis.tendon.found && analysis.tendon_thickness.thickening.present)
    result.push_back(thickening_finding(analysis, int(analysis.phases.level.size())));
  return result;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Review::Review(std::string reviewer, Reviewed reviewed, std::vector<Finding> findings,
               std::string created_utc)
    : reviewer_(std::move(reviewer)),
      reviewed_(std::move(reviewed)),
      findings_(std::move(findings)),
      created_utc_(created_utc),
      updated_utc_(std::move(created_utc)) {
  for (const Finding& finding : findings_)
    updated_utc_ = std::max(updated_utc_, finding.updated_utc);
}

Status Review::check(std::size_t finding) const {
  if (finding < findings_.size()) return ok_status();
  return Status(StatusCode::kInvalidArgument,
                fmt::format("no finding {} (the analysis has {})", finding, findings_.size()));
}

void Review::touch(Finding& finding, const std::string& at_utc) {
  finding.updated_utc = at_utc;
  updated_utc_ = at_utc;
}

Status Review::decide(std::size_t finding, Decision decision, const std::string& at_utc) {
  DYNAMUS_RETURN_IF_ERROR(check(finding));
  Finding& f = findings_[finding];
  f.decision = decision;
  f.decided_utc = decision == Decision::kPending ? std::string() : at_utc;
  touch(f, at_utc);
  return ok_status();
}

Status Review::set_comment(std::size_t finding, std::string comment, const std::string& at_utc) {
  DYNAMUS_RETURN_IF_ERROR(check(finding));
  Finding& f = findings_[finding];
  f.comment = std::move(comment);
  touch(f, at_utc);
  return ok_status();
}

Status Review::correct(std::size_t finding, int frame, Handle handle, int index, PointMm to_mm,
                       const std::string& at_utc) {
  DYNAMUS_RETURN_IF_ERROR(check(finding));
  Finding& f = findings_[finding];
  const FindingFrame now = f.corrected(frame);
  std::optional<PointMm> from;
  if (handle == Handle::kCaliperEnd && now.caliper_mm && (index == 0 || index == 1))
    from = (*now.caliper_mm)[std::size_t(index)];
  if (handle == Handle::kRegionVertex && index >= 0 && std::size_t(index) < now.region_mm.size())
    from = now.region_mm[std::size_t(index)];
  if (!from) {
    return Status(
        StatusCode::kInvalidArgument,
        fmt::format("the {} has no {} {} in frame {}", f.id,
                    handle == Handle::kCaliperEnd ? "caliper end" : "region vertex", index, frame));
  }
  int sequence = 0;
  for (const Finding& other : findings_)
    for (const Correction& c : other.corrections) sequence = std::max(sequence, c.sequence);
  f.corrections.push_back({sequence + 1, frame, handle, index, *from, to_mm, at_utc});
  touch(f, at_utc);
  return ok_status();
}

bool Review::undo_correction(const std::string& at_utc) {
  Finding* latest = nullptr;
  for (Finding& f : findings_) {
    if (!f.corrections.empty() &&
        (!latest || f.corrections.back().sequence > latest->corrections.back().sequence))
      latest = &f;
  }
  if (!latest) return false;
  latest->corrections.pop_back();
  touch(*latest, at_utc);
  return true;
}

}  // namespace dynamus::review
