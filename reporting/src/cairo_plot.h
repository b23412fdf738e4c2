// Drawing with cairo for the reports: time plots with labelled axes, text that wraps, annotated
// frames as cairo images. Used for the PDF pages and, rendered to PNG, for the HTML page.
#pragma once

#include <cairo.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/reporting/annotated_frame.h"
#include "dynamus/reporting/report_content.h"

namespace dynamus::reporting {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
struct ContextDeleter {
  void operator()(cairo_t* context) const { cairo_destroy(context); }
};
using Context = std::unique_ptr<cairo_t, ContextDeleter>;

inline constexpr const char* kReportFont = "DejaVu Sans";

struct Box {
  double x = 0, y = 0, width = 0, height = 0;  // in the surface's units (pt for PDF)
};

// One series over the loop: title above, y axis with its unit, x axis in time (or frames), the
// rest and peak frames marked; gaps where a value was not measured, a note when none was.
void draw_plot(cairo_t* cr, const Box& box, const ReportContent& content, const Series& series);

// draw_plot on a white PNG of width_px x height_px (drawn at `scale` units per pixel, so the
// fonts are as large as on the PDF page). kInternal when cairo fails.
Result<std::string> plot_png(const ReportContent& content, const Series& series, int width_px,
                             int height_px, double scale);

// Draws `text` in the current font from (x, y) (the first baseline), wrapped at `width`;
// returns the baseline after the last line.
double draw_wrapped(cairo_t* cr, const std::string& text, double x, double y, double width,
                    double line_height);

// ok for CAIRO_STATUS_SUCCESS, else `code` with "<what>: <cairo's reason>".
Status cairo_result(cairo_status_t status, StatusCode code, std::string_view what);

// The frame as a cairo image surface (RGB24).
Surface image_surface(const RgbImage& image);

}  // namespace dynamus::reporting
