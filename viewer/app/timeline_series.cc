#include "timeline_series.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace dynamus::view {
namespace {

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

template <typename Get>
std::vector<double> per_frame(int frame_count, Get get) {
  std::vector<double> values(std::size_t(frame_count), kNoValue);
  for (int i = 0; i < frame_count; ++i) {
    if (const std::optional<double> value = get(std::size_t(i))) values[std::size_t(i)] = *value;
  }
  return values;
}

}  // namespace

TimelineSeries timeline_series(const imaging::CineLoop& loop,
                               const segmentation::Analysis& analysis) {
  const int frame_count = loop.frame_count();
  TimelineSeries series;
  const std::vector<double>& stamps = loop.timing().timestamps_s;
  series.in_seconds = stamps.size() == std::size_t(frame_count);
  series.t = per_frame(frame_count, [&](std::size_t i) -> std::optional<double> {
    return series.in_seconds ? stamps[i] - stamps[0] : double(i);
  });
  const std::vector<double>& level = analysis.phases.level;
  series.level_pct = per_frame(frame_count, [&](std::size_t i) -> std::optional<double> {
    if (i < level.size()) return 100.0 * level[i];
    return std::nullopt;
  });
  const auto& tear = analysis.tear.frames;
  series.gap_mm = per_frame(frame_count, [&](std::size_t i) -> std::optional<double> {
    return i < tear.size() ? tear[i].gap_mm : std::nullopt;
  });
  const auto& thickness = analysis.tendon_thickness.per_frame_median_mm;
  series.thickness_mm = per_frame(frame_count, [&](std::size_t i) -> std::optional<double> {
    return i < thickness.size() ? thickness[i] : std::nullopt;
  });
  return series;
}

int nearest_frame(const TimelineSeries& series, double t) {
  if (series.t.empty()) return 0;
  // Times increase with the frame: the nearest is the first at or after t, or the one before.
  const auto after = std::lower_bound(series.t.begin(), series.t.end(), t);
  if (after == series.t.begin()) return 0;
  if (after == series.t.end()) return int(series.t.size()) - 1;
  const auto before = after - 1;
  return int((t - *before <= *after - t ? before : after) - series.t.begin());
}

}  // namespace dynamus::view
