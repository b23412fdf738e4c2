// The HTML report: one file, styles inline, images as base64 PNG data URIs.
#include <fmt/format.h>
#include <openssl/evp.h>

#include "cairo_plot.h"
#include "dynamus/core/atomic_file.h"
#include "dynamus/reporting/report.h"

namespace dynamus::reporting {
namespace {

// Plots: 720 x 220 px at 1.5 px per pt, as sharp as the PDF's.
constexpr int kPlotWidthPx = 720;
constexpr int kPlotHeightPx = 220;
constexpr double kPlotScale = 1.5;

constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #111; margin: 24px; max-width: 1100px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; border-bottom: 1px solid #bbb; padding-bottom: 2px; margin-top: 28px; }
table { border-collapse: collapse; }
td, th { padding: 3px 12px 3px 0; text-align: left; vertical-align: top; }
td.value { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.missing td { color: #777; }
.verdict { font-size: 17px; font-weight: bold; margin: 12px 0; }
.frames { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; }
figure img { max-width: 520px; width: 100%; border: 1px solid #999; }
figcaption { font-size: 13px; color: #333; }
.plot img { width: 720px; max-width: 100%; }
code { font-size: 12px; word-break: break-all; }
)";

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string data_uri(const std::string& png) {
  std::string base64(4 * ((png.size() + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()),
                      reinterpret_cast<const unsigned char*>(png.data()), int(png.size()));
  base64.resize(std::size_t(length));
  return "data:image/png;base64," + base64;
}

std::string rows(const std::vector<std::pair<std::string, std::string>>& fields, bool code) {
  std::string html;
  for (const auto& [label, value] : fields) {
    html += fmt::format("<tr><th>{}</th><td>{}{}{}</td></tr>\n", escaped(label),
                        code ? "<code>" : "", escaped(value), code ? "</code>" : "");
  }
  return html;
}

}  // namespace

Result<std::string> report_html(const ReportContent& content) {
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>dynamus study report</title>\n<style>{}</style>\n</head>\n<body>\n"
      "<h1>Dynamic musculoskeletal ultrasound: study report</h1>\n",
      kStyle);
  html += "<table class=\"header\">\n" + rows(content.header.fields, false) + "</table>\n";
  if (content.header.anonymized) html += "<p>De-identified: the patient is a pseudonym.</p>\n";
  html += fmt::format("<p class=\"verdict\">{}</p>\n", escaped(content.verdict));

  html += "<h2>Key frames</h2>\n<div class=\"frames\">\n";
  for (const auto& [image, name, frame] :
       {std::tuple{&content.rest_frame, "Rest", content.rest_frame_index},
        std::tuple{&content.peak_frame, "Peak contraction", content.peak_frame_index}}) {
    DYNAMUS_ASSIGN_OR_RETURN(const std::string png, encode_png(*image));
    html += fmt::format(
        "<figure><img alt=\"{0} frame\" src=\"{1}\"><figcaption>{0}: frame {2}</figcaption>"
        "</figure>\n",
        name, data_uri(png), frame);
  }
  html += "</div>\n";

  html +=
      "<h2>Measurements</h2>\n<table class=\"measurements\">\n"
      "<tr><th>Measurement</th><th>Value</th><th>Unit</th><th>Frame</th></tr>\n";
  for (const Measurement& m : content.measurements) {
    const std::string frame = m.frame >= 0 ? std::to_string(m.frame) : "loop";
    const std::string value = m.value_text();
    html += fmt::format("<tr{}><td>{}</td><td class=\"value\">{}</td><td>{}</td><td>{}</td></tr>\n",
                        m.value ? "" : " class=\"missing\"", escaped(m.label), value,
                        escaped(m.unit), frame);
  }
  html +=
      "</table>\n<p>Units are UCUM: mm millimetres, deg degrees, {ratio} and 1 without "
      "dimension. The tear score and its components lie in [0, 1].</p>\n";

  html += "<h2>Over the loop</h2>\n";
  if (content.series.empty()) {
    html += "<p>A still image: nothing changes over time, so there is nothing to plot.</p>\n";
  }
  for (const Series& series : content.series) {
    DYNAMUS_ASSIGN_OR_RETURN(const std::string png,
                             plot_png(content, series, kPlotWidthPx, kPlotHeightPx, kPlotScale));
    html += fmt::format("<figure class=\"plot\"><img alt=\"{}\" src=\"{}\"></figure>\n",
                        escaped(series.title), data_uri(png));
  }

  html += "<h2>Provenance</h2>\n<table class=\"provenance\">\n" + rows(content.provenance, true) +
          "</table>\n";
  if (!content.notes.empty()) {
    html += "<h2>Notes</h2>\n<ul>\n";
    for (const std::string& note : content.notes) html += "<li>" + escaped(note) + "</li>\n";
    html += "</ul>\n";
  }
  html +=
      "<p><small>Measurements for review by a sonographer; not a diagnosis.</small></p>\n"
      "</body>\n</html>\n";
  return html;
}

Status write_report_html(const std::filesystem::path& path, const ReportContent& content) {
  Result<std::string> html = report_html(content);
  if (!html.ok()) return html.status().with_context(path.string());
  return write_text_file_atomically(path, *html);
}

}  // namespace dynamus::reporting
