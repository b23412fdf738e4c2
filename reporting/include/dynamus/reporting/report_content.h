// What a study report shows, gathered once from the loop and its analysis, so that the HTML page,
// the PDF and the DICOM Structured Report carry the same measurements with the same units.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dynamus/imaging/cine_loop.h"
#include "dynamus/reporting/annotated_frame.h"
#include "dynamus/reporting/study_header.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::reporting {

// The measurements a report lists; the DICOM SR codes each of them (dicom_results.h).
enum class Quantity {
  kGapRest,                // mm, tear: stump-end gap at the rest frame
  kGapPeak,                // mm, at the peak frame
  kSeparationIncrease,     // mm, peak - rest
  kTendonThickness,        // mm, median over the loop
  kTendonThicknessRest,    // mm
  kTendonThicknessPeak,    // mm
  kTendonThicknessMax,     // mm
  kThickeningMax,          // mm, the focal thickening's thickest point
  kThickeningRatio,        // {ratio}, thickest point / intact tendon
  kTearScore,              // 1, in [0, 1]
  kScoreDiscontinuity,     // 1
  kScoreHypoechogenicity,  // 1
  kScoreSeparation,        // 1
  kMuscleThicknessRest,    // mm
  kMuscleThicknessPeak,    // mm
  kPennationRest,          // deg
  kPennationPeak,          // deg
};

struct Measurement {
  Quantity quantity;
  std::string label;            // "Tear gap at rest"
  std::optional<double> value;  // nullopt: not measured
  std::string unit;             // UCUM: "mm", "{ratio}", "1", "deg"
  int decimals = 1;
  int frame = -1;  // the frame measured on, or -1 for the whole loop
  // The value to the row's decimals ("9.8", "1.50") or "not measured".
  std::string value_text() const;
};

// Per-frame values for the plots: x is t_s when the loop is timed, else the frame index.
struct Series {
  std::string title;                          // "Gap between the stump ends"
  std::string y_label;                        // "gap (mm)"
  std::vector<std::optional<double>> values;  // one per frame
  double full_scale = 0.0;  // the y axis reaches at least this (100 for a level in %)
};

struct ReportContent {
  StudyHeader header;
  std::string verdict;              // one line: "Full-thickness tear suspected (score 0.93) ..."
  RgbImage rest_frame, peak_frame;  // annotated, as in rest.png / peak.png
  int rest_frame_index = 0, peak_frame_index = 0;
  std::vector<Measurement> measurements;  // tear, tendon, score, muscle (measured or not)
  std::string x_label;                    // "time (s)" or "frame"
  std::vector<double> x;                  // one per frame
  // Contraction level, gap, tendon thickness; empty for a still image (nothing changes in time).
  std::vector<Series> series;
  // Provenance, label and value: version, parameters, their hash, calibration, tracker, input.
  std::vector<std::pair<std::string, std::string>> provenance;
  std::vector<std::string> notes;  // warnings of the loader and the analysis
};

ReportContent report_content(const imaging::CineLoop& loop,
                             const segmentation::AnalysisParams& params,
                             const segmentation::Analysis& analysis, StudyHeader header);

}  // namespace dynamus::reporting
