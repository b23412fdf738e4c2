// The analysis folder that `dynamus analyze`, the viewer and the batch all write for a loop:
// DIR/rest.png and DIR/peak.png (annotated key frames), DIR/frames.csv (per-frame measurements),
// on request the study report (DIR/report.html, DIR/report.pdf, DIR/loop.mp4) and the DICOM
// results (DIR/dicom/sc.dcm, DIR/dicom/sr.dcm) and, last, DIR/result.json (dynamus.analysis/1).
// Each file is written atomically and result.json comes last, so a result.json present means a
// complete analysis.
#pragma once

#include <filesystem>
#include <string>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::reporting {

inline constexpr const char* kResultFileName = "result.json";

struct FolderOptions {
  bool report = false;  // report.html, report.pdf, loop.mp4
  bool dicom = false;   // dicom/sc.dcm, dicom/sr.dcm
  // Every file de-identified: result.json's input and the report header carry the pseudonym, the
  // DICOM results go to a pseudonymous study (anonymize.h, study_header.h, dicom_results.h).
  bool anonymize = false;
};

// Creates `dir` when missing. kUnreadable naming the folder or file when it cannot be written;
// the errors of the report and DICOM writers otherwise.
Status write_analysis_folder(const std::filesystem::path& dir, const imaging::CineLoop& loop,
                             const segmentation::AnalysisParams& params,
                             const segmentation::Analysis& analysis,
                             const FolderOptions& options = {});

// One screen of findings for people: frames, rest/peak, tear, gap, tendon, thickening, muscle,
// notes; one finding a line, values with units. `anonymize`: the input named by its pseudonym
// (anonymize.h).
std::string findings_text(const imaging::CineLoop& loop, const segmentation::Analysis& analysis,
                          bool anonymize = false);

}  // namespace dynamus::reporting
