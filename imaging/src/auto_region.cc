// Finding the ultrasound image in a screen capture.
//
// Evidence per pixel: textured (the 3x3 grey range is not flat, as UI fills, smooth ramps and the
// background between text strokes are) and, for loops, changing over time (static chrome never
// does). The image is where that evidence is dense: the body is the largest area where the local
// density of evidence reaches kCoreDensity and which is at least kOpenFraction of the frame wide
// and high everywhere, which text, scales, colour bars and logos never are. Its outline is where
// the density crosses one half; the rectangle is the outline's bounding box, trimmed of chrome
// stuck to the side of the image and refined to the last row or column that is at least
// half evidence.
#include "dynamus/imaging/auto_region.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <utility>
#include <vector>

namespace dynamus::imaging {
namespace {

// Enough frames to see the image change, few enough to stay within a few milliseconds.
constexpr int kMaxSampledFrames = 32;
// Frames whose texture is looked at (the first, middle and last sampled).
constexpr std::size_t kTexturedFrames = 3;
// A pixel whose 3x3 neighbourhood spans at most this many grey levels is flat: UI fills, the
// background between text strokes, colour ramps of up to one level per pixel.
constexpr int kFlatRangeMax = 1;
// Temporal standard deviation, in grey levels, below which a pixel is static. Moving speckle
// varies by tens of levels; chrome whose compression noise changes between key frames by a few.
constexpr double kMinTemporalStd = 3.0;
// Density window and morphology sizes as fractions of the frame's smaller side, so that the result
// does not depend on the capture resolution.
constexpr double kWindowFraction = 1.0 / 40.0;
constexpr int kMinWindowPx = 5;
// Text lines, scales and colour bars are narrower than this; ultrasound images are wider.
constexpr double kOpenFraction = 1.0 / 16.0;
constexpr int kMinOpenPx = 9;
// Local density of evidence inside speckle (above 0.9) versus text blocks (below 0.6).
constexpr float kCoreDensity = 0.8f;
// Where the density window straddles an image edge, half of it sees speckle.
constexpr float kEdgeDensity = 0.5f;
// Smallest plausible image, as a fraction of the frame area.
constexpr double kMinAreaFraction = 0.02;
// Chrome stuck to the side of the image: rows or columns covered by less than kBumpCoverage of the
// fullest one, ending in a jump of kBumpJump of it.
constexpr double kBumpCoverage = 0.3;
constexpr double kBumpJump = 0.5;
constexpr int kBumpPasses = 2;
constexpr double kMaskOn = 255.0;

int odd_at_least(double size_px, int minimum_px) {
  const int size = std::max(minimum_px, static_cast<int>(std::lround(size_px)));
  return size | 1;
}

cv::Mat square_kernel(int size_px) {
  return cv::getStructuringElement(cv::MORPH_RECT, cv::Size(size_px, size_px));
}

// A pixel inside the mask, which must not be empty.
cv::Point some_pixel(const cv::Mat& mask) {
  cv::Point inside;
  cv::minMaxLoc(mask, nullptr, nullptr, nullptr, &inside);
  return inside;
}

// Pixels that are not flat. The erosion drops the one-pixel halo that the 3x3 range puts around
// every textured area and text stroke, so that the evidence stops exactly at the image edge.
cv::Mat textured_pixels(const cv::Mat& frame) {
  cv::Mat local_max, local_min;
  cv::dilate(frame, local_max, cv::Mat());
  cv::erode(frame, local_min, cv::Mat());
  cv::Mat textured = (local_max - local_min) > kFlatRangeMax;
  cv::erode(textured, textured, cv::Mat());
  return textured;
}

// Pixels whose grey level varies over the sampled frames.
cv::Mat changing_pixels(const std::vector<cv::Mat>& frames) {
  cv::Mat sum = cv::Mat::zeros(frames.front().size(), CV_32F);
  cv::Mat sum_of_squares = cv::Mat::zeros(frames.front().size(), CV_32F);
  for (const cv::Mat& frame : frames) {
    cv::accumulate(frame, sum);
    cv::accumulateSquare(frame, sum_of_squares);
  }
  const double count = static_cast<double>(frames.size());
  const cv::Mat mean = sum / count;
  const cv::Mat variance = sum_of_squares / count - mean.mul(mean);
  return variance > kMinTemporalStd * kMinTemporalStd;
}

// The largest dense area and any piece stacked above or below it with the same sides: a dark band
// across the whole image (a fluid layer, the shadow under a bone) splits one image into such
// pieces. Empty when no dense area is large enough to be an image.
cv::Mat image_body(const cv::Mat& core, int open_px, int window_px) {
  // Opening first removes the dense specks that text and bars can produce; closing afterwards
  // bridges dark, flat parts of the image without reaching out to the chrome.
  const cv::Mat open_kernel = square_kernel(open_px);
  cv::Mat body;
  cv::morphologyEx(core, body, cv::MORPH_OPEN, open_kernel);
  cv::morphologyEx(body, body, cv::MORPH_CLOSE, open_kernel);

  cv::Mat labels, stats, centroids;
  const int label_count = cv::connectedComponentsWithStats(body, labels, stats, centroids, 8);
  const auto area = [&stats](int label) { return stats.at<int>(label, cv::CC_STAT_AREA); };
  const auto left = [&stats](int label) { return stats.at<int>(label, cv::CC_STAT_LEFT); };
  const auto right = [&stats](int label) {
    return stats.at<int>(label, cv::CC_STAT_LEFT) + stats.at<int>(label, cv::CC_STAT_WIDTH);
  };
  int best = 0;
  for (int label = 1; label < label_count; ++label) {
    if (best == 0 || area(label) > area(best)) best = label;
  }
  const double min_area_px = kMinAreaFraction * static_cast<double>(core.total());
  if (best == 0 || area(best) < min_area_px) return {};

  cv::Mat pieces = labels == best;
  for (int label = 1; label < label_count; ++label) {
    if (label != best && area(label) >= min_area_px &&
        std::abs(left(label) - left(best)) <= window_px &&
        std::abs(right(label) - right(best)) <= window_px) {
      pieces |= labels == label;
    }
  }
  return pieces;
}

// How many lines (rows or columns) to drop at the front of `counts`, the region pixels per line:
// a margin at least `step` lines wide where the count stays below kBumpCoverage of the largest,
// whose lines are all exceeded by kBumpJump of the largest count `step` lines past its end. That
// is chrome stuck to the side of the image (a label, a logo, a header). The outline of a fan or of
// a slightly rotated rectangle thins gradually towards its corners; no margin there is followed by
// such a jump, so nothing is dropped.
int bump_width(const std::vector<int>& counts, int step) {
  const int max_count = *std::max_element(counts.begin(), counts.end());
  const int size = static_cast<int>(counts.size());
  int margin = 0;
  while (counts[static_cast<std::size_t>(margin)] < kBumpCoverage * max_count) ++margin;
  if (margin < step) return 0;
  const int margin_max = *std::max_element(counts.begin(), counts.begin() + margin);
  const int inner = counts[static_cast<std::size_t>(std::min(margin + step, size - 1))];
  return inner - margin_max >= kBumpJump * max_count ? margin : 0;
}

// The box without bumps at either end of its rows or columns.
cv::Rect without_bumps(const cv::Mat& region, const cv::Rect& box, bool columns, int step) {
  cv::Mat counts;
  cv::reduce(region(box) / kMaskOn, counts, columns ? 0 : 1, cv::REDUCE_SUM, CV_32S);
  std::vector<int> lines(counts.begin<int>(), counts.end<int>());
  const int front = bump_width(lines, step);
  std::reverse(lines.begin(), lines.end());
  const int back = bump_width(lines, step);
  if (columns) return {box.x + front, box.y, box.width - front - back, box.height};
  return {box.x, box.y + front, box.width, box.height - front - back};
}

// Fraction of the pixels of `region` on line `reference` whose counterparts on line `line` are
// evidence. Lines are columns or rows.
double evidence_fraction(const cv::Mat& evidence, const cv::Mat& region, bool columns, int line,
                         int reference) {
  const cv::Mat reference_region = columns ? region.col(reference) : region.row(reference);
  const int total = cv::countNonZero(reference_region);
  if (total == 0) return 0.0;
  const cv::Mat line_evidence = columns ? evidence.col(line) : evidence.row(line);
  return cv::countNonZero(line_evidence & reference_region) / static_cast<double>(total);
}

// Moves one edge of the box (a column when `columns`, else a row; `outward` is +1 or -1) outward
// while the next line is mostly evidence where the region touches the edge, otherwise inward
// while the edge line itself is mostly not evidence, by fewer than `max_shift_px`.
int refine_edge(const cv::Mat& evidence, const cv::Mat& region, bool columns, int edge, int outward,
                int inner_limit, int max_shift_px) {
  const int line_count = columns ? evidence.cols : evidence.rows;
  const int start = edge;
  while (std::abs(edge - start) < max_shift_px && edge + outward >= 0 &&
         edge + outward < line_count &&
         evidence_fraction(evidence, region, columns, edge + outward, start) >= kEdgeDensity) {
    edge += outward;
  }
  if (edge != start) return edge;
  while (std::abs(edge - start) < max_shift_px && edge != inner_limit &&
         evidence_fraction(evidence, region, columns, edge, edge) < kEdgeDensity) {
    edge -= outward;
  }
  return edge;
}

std::optional<RegionPx> region_from_evidence(const cv::Mat& evidence) {
  const int smaller_side_px = std::min(evidence.cols, evidence.rows);
  const int window_px = odd_at_least(smaller_side_px * kWindowFraction, kMinWindowPx);
  const int open_px = odd_at_least(smaller_side_px * kOpenFraction, kMinOpenPx);

  cv::Mat density;
  cv::boxFilter(evidence, density, CV_32F, cv::Size(window_px, window_px));
  const cv::Mat core = density >= kCoreDensity * kMaskOn;
  const cv::Mat body = image_body(core, open_px, window_px);
  if (body.empty()) return std::nullopt;

  // The opening cut off sharp corners such as the tips of a fan: take back the unopened core
  // joined to each piece of the body.
  cv::Mat labels;
  cv::connectedComponents(core | body, labels, 8);
  cv::Mat body_labels;
  cv::connectedComponents(body, body_labels, 8);
  double piece_count = 0.0;
  cv::minMaxLoc(body_labels, nullptr, &piece_count);
  cv::Mat region = cv::Mat::zeros(core.size(), CV_8UC1);
  for (int piece = 1; piece <= static_cast<int>(piece_count); ++piece) {
    region |= labels == labels.at<int>(some_pixel(body_labels == piece));
  }

  // The core stays up to half a window inside the image edge; grow it back by that much, but only
  // where the density says the image is, so chrome beside the image is not swallowed.
  cv::dilate(region, region, square_kernel(window_px));
  region &= density >= kEdgeDensity * kMaskOn;
  // A bump at the side of the columns can look like full rows until the columns are trimmed, and
  // the other way round.
  cv::Rect box = cv::boundingRect(region);
  for (int pass = 0; pass < kBumpPasses; ++pass) {
    box = without_bumps(region, box, true, window_px / 2);
    box = without_bumps(region, box, false, window_px / 2);
  }

  const int max_shift_px = window_px / 2 + 1;
  const int x1 = box.x + box.width - 1;
  const int y1 = box.y + box.height - 1;
  RegionPx found;
  found.x0 = refine_edge(evidence, region, true, box.x, -1, x1, max_shift_px);
  found.x1 = refine_edge(evidence, region, true, x1, 1, box.x, max_shift_px);
  found.y0 = refine_edge(evidence, region, false, box.y, -1, y1, max_shift_px);
  found.y1 = refine_edge(evidence, region, false, y1, 1, box.y, max_shift_px);
  return found;
}

}  // namespace

std::optional<RegionPx> detect_image_region(std::span<const std::uint8_t> pixels, int width_px,
                                            int height_px, int frame_count) {
  if (width_px <= 0 || height_px <= 0 || frame_count <= 0) return std::nullopt;
  const std::size_t frame_size =
      static_cast<std::size_t>(width_px) * static_cast<std::size_t>(height_px);
  if (pixels.size() < frame_size * static_cast<std::size_t>(frame_count)) return std::nullopt;

  const int sampled = std::min(frame_count, kMaxSampledFrames);
  std::vector<cv::Mat> frames;
  frames.reserve(static_cast<std::size_t>(sampled));
  for (int i = 0; i < sampled; ++i) {
    const int index = sampled == 1 ? 0 : i * (frame_count - 1) / (sampled - 1);
    // cv::Mat has no read-only header; these frames are only read.
    auto* data =
        const_cast<std::uint8_t*>(pixels.data()) + static_cast<std::size_t>(index) * frame_size;
    frames.emplace_back(height_px, width_px, CV_8UC1, data);
  }

  // Texture from a few frames spread over the loop, so that one blank frame (a mode switch)
  // cannot hide the image.
  cv::Mat textured = cv::Mat::zeros(height_px, width_px, CV_8UC1);
  const std::size_t stride = std::max<std::size_t>(1, (frames.size() - 1) / (kTexturedFrames - 1));
  for (std::size_t index = 0; index < frames.size(); index += stride) {
    textured |= textured_pixels(frames[index]);
  }
  if (frames.size() > 1) {
    // A loop whose image is frozen has no changing area; the texture alone then has to do.
    if (auto region = region_from_evidence(changing_pixels(frames) & textured)) return region;
  }
  return region_from_evidence(textured);
}

}  // namespace dynamus::imaging
