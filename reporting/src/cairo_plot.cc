#include "cairo_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace dynamus::reporting {
namespace {

constexpr double kTitleSize = 10.0;
constexpr double kLabelSize = 8.0;
constexpr double kTickLength = 3.0;
constexpr int kTargetTicks = 5;
// Okabe-Ito blue for the data, grey for rest/peak marks.
constexpr double kLineRgb[] = {0.0, 0.447, 0.698};
constexpr double kMarkRgb[] = {0.45, 0.45, 0.45};

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about kTargetTicks ticks.
double tick_step(double range) {
  const double raw = range / kTargetTicks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (raw <= m * power) return m * power;
  }
  return 10.0 * power;
}

std::string tick_text(double value, double step) {
  const int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", std::abs(value) < step / 2 ? 0.0 : value, decimals);
}

void text_at(cairo_t* cr, const std::string& text, double x, double y, double align_x,
             double align_y) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, text.c_str(), &e);
  cairo_move_to(cr, x - align_x * e.width - e.x_bearing, y - align_y * e.height - e.y_bearing);
  cairo_show_text(cr, text.c_str());
}

struct Range {
  double lo, hi;
};

Range value_range(const Series& series) {
  std::optional<Range> range;
  for (const auto& v : series.values) {
    if (!v) continue;
    range = range ? Range{std::min(range->lo, *v), std::max(range->hi, *v)} : Range{*v, *v};
  }
  if (!range) return {0.0, std::max(1.0, series.full_scale)};
  range->hi = std::max(range->hi, series.full_scale);
  // Start at zero for quantities that are never negative (all here), so that a change in
  // thickness is seen in proportion; room above the top for the rest and peak labels.
  const double lo = std::min(0.0, range->lo);
  double hi = range->hi + 0.18 * (range->hi - lo);
  if (hi - lo < 1e-9) hi = lo + 1.0;
  return {lo, hi};
}

}  // namespace

void draw_plot(cairo_t* cr, const Box& box, const ReportContent& content, const Series& series) {
  cairo_save(cr);
  cairo_select_font_face(cr, kReportFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, kTitleSize);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text_at(cr, series.title, box.x, box.y, 0.0, 0.0);
  cairo_select_font_face(cr, kReportFont, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, kLabelSize);

  // Plot area: room for the title above, the y tick labels and axis label left, x below.
  const Box area{box.x + 46, box.y + kTitleSize + 8, box.width - 56,
                 box.height - kTitleSize - 8 - 30};
  const double x_lo = content.x.empty() ? 0.0 : content.x.front();
  double x_hi = content.x.empty() ? 1.0 : content.x.back();
  if (x_hi <= x_lo) x_hi = x_lo + 1.0;
  const Range y = value_range(series);
  auto px = [&](double x) { return area.x + (x - x_lo) / (x_hi - x_lo) * area.width; };
  auto py = [&](double v) {
    return area.y + area.height - (v - y.lo) / (y.hi - y.lo) * area.height;
  };

  // Grid and ticks.
  cairo_set_line_width(cr, 0.5);
  const double y_step = tick_step(y.hi - y.lo);
  for (double v = std::ceil(y.lo / y_step) * y_step; v <= y.hi + 1e-9; v += y_step) {
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    cairo_move_to(cr, area.x, py(v));
    cairo_line_to(cr, area.x + area.width, py(v));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, area.x - kTickLength, py(v));
    cairo_line_to(cr, area.x, py(v));
    cairo_stroke(cr);
    text_at(cr, tick_text(v, y_step), area.x - kTickLength - 2, py(v), 1.0, 0.5);
  }
  // Frame numbers are whole.
  const double x_step = std::max(tick_step(x_hi - x_lo), content.x_label == "frame" ? 1.0 : 0.0);
  for (double x = std::ceil(x_lo / x_step) * x_step; x <= x_hi + 1e-9; x += x_step) {
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, px(x), area.y + area.height);
    cairo_line_to(cr, px(x), area.y + area.height + kTickLength);
    cairo_stroke(cr);
    text_at(cr, tick_text(x, x_step), px(x), area.y + area.height + kTickLength + 2, 0.5, 0.0);
  }
  // Axes and their labels.
  cairo_set_line_width(cr, 0.8);
  cairo_rectangle(cr, area.x, area.y, area.width, area.height);
  cairo_stroke(cr);
  text_at(cr, content.x_label, area.x + area.width / 2, area.y + area.height + 17, 0.5, 0.0);
  cairo_save(cr);
  cairo_translate(cr, box.x + 4, area.y + area.height / 2);
  cairo_rotate(cr, -M_PI / 2);
  text_at(cr, series.y_label, 0, 0, 0.5, 0.0);
  cairo_restore(cr);

  // Rest and peak frames; the peak's label a line lower when the two are close.
  cairo_set_source_rgb(cr, kMarkRgb[0], kMarkRgb[1], kMarkRgb[2]);
  const double dashes[] = {3.0, 2.0};
  std::optional<double> rest_at;
  for (const auto& [frame, name] :
       {std::pair{content.rest_frame_index, "rest"}, std::pair{content.peak_frame_index, "peak"}}) {
    if (std::size_t(frame) >= content.x.size()) continue;
    const double at = px(content.x[std::size_t(frame)]);
    const double label_y = area.y + 2 + (rest_at && std::abs(*rest_at - at) < 30 ? 10 : 0);
    if (!rest_at) rest_at = at;
    cairo_set_dash(cr, dashes, 2, 0);
    cairo_move_to(cr, at, area.y);
    cairo_line_to(cr, at, area.y + area.height);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    // Inside the plot, beside the line, on the side with room.
    const bool right = at < area.x + area.width - 30;
    text_at(cr, name, right ? at + 2 : at - 2, label_y, right ? 0.0 : 1.0, 0.0);
  }

  // The data: a line through measured frames, broken where a frame was not measured.
  cairo_set_source_rgb(cr, kLineRgb[0], kLineRgb[1], kLineRgb[2]);
  cairo_set_line_width(cr, 1.2);
  bool drawing = false;
  int measured = 0;
  for (std::size_t i = 0; i < series.values.size() && i < content.x.size(); ++i) {
    if (!series.values[i]) {
      drawing = false;
      continue;
    }
    ++measured;
    const double x = px(content.x[i]), yv = py(*series.values[i]);
    if (drawing) {
      cairo_line_to(cr, x, yv);
    } else {
      cairo_move_to(cr, x, yv);
      // A lone point would not show as a line: a dot.
      cairo_arc(cr, x, yv, 0.9, 0, 2 * M_PI);
      cairo_move_to(cr, x, yv);
    }
    drawing = true;
  }
  cairo_stroke(cr);
  if (measured == 0) {
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    text_at(cr, "not measured in any frame", area.x + area.width / 2, area.y + area.height / 2, 0.5,
            0.5);
  }
  cairo_restore(cr);
}

Result<std::string> plot_png(const ReportContent& content, const Series& series, int width_px,
                             int height_px, double scale) {
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, height_px));
  Context cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  cairo_scale(cr.get(), scale, scale);
  draw_plot(cr.get(), {4, 4, width_px / scale - 8, height_px / scale - 8}, content, series);
  cairo_surface_flush(surface.get());
  std::string png;
  const cairo_status_t status = cairo_surface_write_to_png_stream(
      surface.get(),
      [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  DYNAMUS_RETURN_IF_ERROR(
      cairo_result(cairo_status(cr.get()), StatusCode::kInternal, "cairo cannot draw the plot"));
  DYNAMUS_RETURN_IF_ERROR(
      cairo_result(status, StatusCode::kInternal, "cairo cannot encode the plot"));
  return png;
}

double draw_wrapped(cairo_t* cr, const std::string& text, double x, double y, double width,
                    double line_height) {
  auto fits = [&](const std::string& line) {
    cairo_text_extents_t e;
    cairo_text_extents(cr, line.c_str(), &e);
    return e.x_advance <= width;
  };
  std::string line;
  std::size_t start = 0;
  while (start <= text.size()) {
    // Words split at spaces and after commas, so long JSON and paths wrap too.
    std::size_t end = text.find_first_of(" ,", start);
    end = end == std::string::npos ? text.size() : end + 1;
    std::string word = text.substr(start, end - start);
    start = end;
    if (!line.empty() && !fits(line + word)) {
      cairo_move_to(cr, x, y);
      cairo_show_text(cr, line.c_str());
      y += line_height;
      line.clear();
    }
    line += word;
    if (end == text.size()) break;
  }
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, line.c_str());
  return y + line_height;
}

Status cairo_result(cairo_status_t status, StatusCode code, std::string_view what) {
  if (status == CAIRO_STATUS_SUCCESS) return ok_status();
  return Status(code, fmt::format("{}: {}", what, cairo_status_to_string(status)));
}

Surface image_surface(const RgbImage& image) {
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, image.width_px, image.height_px));
  cairo_surface_flush(surface.get());
  unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  for (int row = 0; row < image.height_px; ++row) {
    auto* out = reinterpret_cast<std::uint32_t*>(data + std::ptrdiff_t(row) * stride);
    const std::uint8_t* in = image.rgb.data() + std::size_t(row) * image.width_px * 3;
    for (int col = 0; col < image.width_px; ++col, in += 3) {
      out[col] = (std::uint32_t(in[0]) << 16) | (std::uint32_t(in[1]) << 8) | in[2];
    }
  }
  cairo_surface_mark_dirty(surface.get());
  return surface;
}

}  // namespace dynamus::reporting
