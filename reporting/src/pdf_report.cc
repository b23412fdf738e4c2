// The PDF report, drawn with cairo on A4 pages (units: pt).
#include <cairo-pdf.h>
#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "cairo_plot.h"
#include "dynamus/core/atomic_file.h"
#include "dynamus/reporting/report.h"

namespace dynamus::reporting {
namespace {

constexpr double kPageWidth = 595.28;  // A4
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 42.0;
constexpr double kBodySize = 9.0;
constexpr double kLine = 12.5;
constexpr double kPlotHeight = 165.0;

// A cursor down the page that starts a new page when the next block does not fit.
class PageWriter {
 public:
  explicit PageWriter(cairo_t* cr) : cr_(cr) {}

  double y() const { return y_; }
  void advance(double dy) { y_ += dy; }
  double width() const { return kPageWidth - 2 * kMargin; }

  void need(double height) {
    if (y_ + height > kPageHeight - kMargin - 14) new_page();
  }
  void new_page() {
    footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }
  void finish() { footer(); }

  void font(double size, bool bold) {
    cairo_select_font_face(cr_, kReportFont, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size);
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }
  void text(const std::string& text, double x, double baseline) {
    cairo_move_to(cr_, x, baseline);
    cairo_show_text(cr_, text.c_str());
  }
  void right_aligned(const std::string& text, double right, double baseline) {
    cairo_text_extents_t e;
    cairo_text_extents(cr_, text.c_str(), &e);
    this->text(text, right - e.x_advance, baseline);
  }
  void heading(const std::string& title) {
    need(3 * kLine);
    y_ += 10;
    font(12, true);
    text(title, kMargin, y_ + 12);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, y_ + 16);
    cairo_line_to(cr_, kPageWidth - kMargin, y_ + 16);
    cairo_stroke(cr_);
    y_ += 16 + kLine;
  }
  // Label and value rows; values wrap in their column.
  void fields(const std::vector<std::pair<std::string, std::string>>& rows, double label_width) {
    for (const auto& [label, value] : rows) {
      need(2 * kLine);
      font(kBodySize, true);
      text(label, kMargin, y_);
      font(kBodySize, false);
      y_ = draw_wrapped(cr_, value, kMargin + label_width, y_, width() - label_width, kLine);
    }
  }
  cairo_t* cr() const { return cr_; }

 private:
  void footer() {
    font(7.5, false);
    cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
    text(fmt::format("dynamus study report, page {}", page_), kMargin, kPageHeight - 24);
    right_aligned("Measurements for review by a sonographer; not a diagnosis.",
                  kPageWidth - kMargin, kPageHeight - 24);
  }

  cairo_t* cr_;
  double y_ = kMargin;
  int page_ = 1;
};

void draw_header(PageWriter& page, const ReportContent& content) {
  page.font(16, true);
  page.text("Dynamic musculoskeletal ultrasound: study report", kMargin, page.y() + 16);
  page.advance(16 + 2 * kLine);
  // Two columns of header fields.
  const std::size_t half = (content.header.fields.size() + 1) / 2;
  const double column = page.width() / 2;
  for (std::size_t i = 0; i < half; ++i) {
    for (std::size_t j : {i, i + half}) {
      if (j >= content.header.fields.size()) continue;
      const double x = kMargin + (j < half ? 0.0 : column);
      const auto& [label, value] = content.header.fields[j];
      page.font(kBodySize, true);
      page.text(label, x, page.y());
      page.font(kBodySize, false);
      draw_wrapped(page.cr(), value, x + 80, page.y(), column - 88, kLine);
    }
    page.advance(kLine);
  }
  if (content.header.anonymized) {
    page.font(kBodySize, false);
    page.text("De-identified: the patient is a pseudonym.", kMargin, page.y());
    page.advance(kLine);
  }
  page.advance(6);
  page.font(11, true);
  const double after =
      draw_wrapped(page.cr(), content.verdict, kMargin, page.y() + 4, page.width(), 14);
  page.advance(after - page.y());
}

// The image scaled to `width`, its top-left at (x, top); smooth down-scaling keeps the caption
// band's text legible.
void draw_image(cairo_t* cr, const RgbImage& image, double x, double top, double width) {
  const double scale = width / std::max(1, image.width_px);
  Surface surface = image_surface(image);
  cairo_save(cr);
  cairo_translate(cr, x, top);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, surface.get(), 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
}

double height_at(const RgbImage& image, double width) {
  return width * image.height_px / std::max(1, image.width_px);
}

const std::vector<std::tuple<const RgbImage*, const char*, int>> key_frames(
    const ReportContent& content) {
  return {{&content.rest_frame, "Rest", content.rest_frame_index},
          {&content.peak_frame, "Peak contraction", content.peak_frame_index}};
}

// Side by side on the summary page.
void draw_key_frames(PageWriter& page, const ReportContent& content) {
  page.heading("Key frames");
  const double gap = 14.0;
  const double width = (page.width() - gap) / 2;
  const double tallest =
      std::max(height_at(content.rest_frame, width), height_at(content.peak_frame, width));
  page.need(tallest + 2 * kLine);
  const double top = page.y() - kLine + 4;
  int column = 0;
  for (const auto& [image, name, frame] : key_frames(content)) {
    const double x = kMargin + column++ * (width + gap);
    draw_image(page.cr(), *image, x, top, width);
    page.font(kBodySize, false);
    page.text(fmt::format("{}: frame {}", name, frame), x, top + tallest + kLine);
  }
  page.advance(tallest + 2 * kLine);
}

// One above the other, as large as a page allows, for reading the labels on paper.
void draw_large_key_frames(PageWriter& page, const ReportContent& content) {
  page.new_page();
  page.heading("Key frames, enlarged");
  const double room = (kPageHeight - 2 * kMargin - 3 * kLine - 14) / 2 - 2 * kLine;
  for (const auto& [image, name, frame] : key_frames(content)) {
    const double width =
        std::min(page.width(), room * image->width_px / std::max(1, image->height_px));
    const double top = page.y() - kLine + 4;
    draw_image(page.cr(), *image, kMargin + (page.width() - width) / 2, top, width);
    page.font(kBodySize, false);
    page.text(fmt::format("{}: frame {}", name, frame), kMargin + (page.width() - width) / 2,
              top + height_at(*image, width) + kLine);
    page.advance(height_at(*image, width) + 2 * kLine + 4);
  }
}

void draw_measurements(PageWriter& page, const ReportContent& content) {
  page.heading("Measurements");
  const double value_right = kMargin + 330, unit_x = kMargin + 342, frame_x = kMargin + 420;
  page.font(kBodySize, true);
  page.text("Measurement", kMargin, page.y());
  page.right_aligned("Value", value_right, page.y());
  page.text("Unit", unit_x, page.y());
  page.text("Frame", frame_x, page.y());
  page.advance(kLine + 2);
  for (const Measurement& m : content.measurements) {
    page.need(kLine);
    page.font(kBodySize, false);
    if (!m.value) cairo_set_source_rgb(page.cr(), 0.45, 0.45, 0.45);
    page.text(m.label, kMargin, page.y());
    page.right_aligned(m.value_text(), value_right, page.y());
    page.text(m.unit, unit_x, page.y());
    page.text(m.frame >= 0 ? std::to_string(m.frame) : "loop", frame_x, page.y());
    page.advance(kLine);
  }
  page.font(7.5, false);
  page.advance(3);
  page.text(
      "Units are UCUM: mm millimetres, deg degrees, {ratio} and 1 without dimension. "
      "The tear score and its components lie in [0, 1].",
      kMargin, page.y());
  page.advance(kLine);
}

void draw_plots(PageWriter& page, const ReportContent& content) {
  page.new_page();
  page.heading("Over the loop");
  if (content.series.empty()) {
    page.font(kBodySize, false);
    page.text("A still image: nothing changes over time, so there is nothing to plot.", kMargin,
              page.y());
    page.advance(kLine);
  }
  for (const Series& series : content.series) {
    page.need(kPlotHeight + 8);
    draw_plot(page.cr(), {kMargin, page.y(), page.width(), kPlotHeight}, content, series);
    page.advance(kPlotHeight + 8);
  }
  page.advance(kLine);
}

Status render(cairo_surface_t* surface, const ReportContent& content) {
  Context cr(cairo_create(surface));
  PageWriter page(cr.get());
  draw_header(page, content);
  draw_key_frames(page, content);
  draw_measurements(page, content);
  draw_large_key_frames(page, content);
  draw_plots(page, content);
  page.heading("Provenance");
  page.fields(content.provenance, 92);
  if (!content.notes.empty()) {
    page.heading("Notes");
    for (const std::string& note : content.notes) {
      page.need(2 * kLine);
      page.font(kBodySize, false);
      page.text("-", kMargin, page.y());
      page.advance(draw_wrapped(cr.get(), note, kMargin + 10, page.y(), page.width() - 10, kLine) -
                   page.y());
    }
  }
  page.finish();
  cairo_show_page(cr.get());
  return cairo_result(cairo_status(cr.get()), StatusCode::kInternal,
                      "cairo cannot draw the report");
}

}  // namespace

Status write_report_pdf(const std::filesystem::path& path, const ReportContent& content) {
  return write_file_atomically(path, [&](const std::filesystem::path& temporary) -> Status {
    Surface surface(cairo_pdf_surface_create(temporary.c_str(), kPageWidth, kPageHeight));
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, "dynamus study report");
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "dynamus");
    DYNAMUS_RETURN_IF_ERROR(render(surface.get(), content));
    cairo_surface_finish(surface.get());
    return cairo_result(cairo_surface_status(surface.get()), StatusCode::kUnreadable,
                        "cannot write the PDF");
  });
}

}  // namespace dynamus::reporting
