// The study report: a self-contained HTML page (images embedded as data URIs, no external
// resources) and a PDF drawn with cairo, both from one ReportContent; and the annotated MP4 of
// the whole loop. Every file is written atomically (a temporary renamed over the target).
#pragma once

#include <filesystem>
#include <string>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/reporting/report_content.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::reporting {

// The page as text; kInternal when an image cannot be encoded.
Result<std::string> report_html(const ReportContent& content);
// Errors name the path: kNotFound (no folder), kUnreadable (I/O), kInternal (encoding).
Status write_report_html(const std::filesystem::path& path, const ReportContent& content);

// A4 pages: the header, the verdict, the annotated rest and peak frames and the measurement table
// first; the plots, the score, the provenance and the notes after.
Status write_report_pdf(const std::filesystem::path& path, const ReportContent& content);

// Every frame drawn by render_annotated_frame (as rest.png and peak.png are), H.264 ('avc1') MP4
// at the loop's frame rate (10 fps for a loop without timing). kInvalidArgument for a path not
// ending in .mp4, kUnsupported when FFmpeg cannot encode H.264 here.
Status write_annotated_video(const std::filesystem::path& path, const imaging::CineLoop& loop,
                             const segmentation::Analysis& analysis);

}  // namespace dynamus::reporting
