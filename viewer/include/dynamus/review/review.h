// The sonographer's review of an analysis: for each finding the analysis makes (a suspected tear,
// a focal thickening) the reviewer's decision, corrections of its caliper ends and region vertices
// with the measurements recomputed in mm, and a comment. Saved beside the analysis as
// DIR/review.<reviewer>.json ("schema": "dynamus.review/1"), one file per reviewer; the analysis'
// own files are never written. No Qt, VTK or OpenCV: the viewer is a shell over this model.
//
// Which findings: those that make a claim a person confirms or refutes and that go into a report
// with a measurement. The tendon surfaces and aponeuroses are not findings of their own: their
// errors show, and are corrected, in the measurements drawn on them (the thickness caliper's ends
// sit on the tendon's surfaces).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::review {

using segmentation::PointMm;

inline constexpr const char* kReviewSchema = "dynamus.review/1";

enum class Decision { kPending, kAccepted, kRejected, kUncertain };
std::string_view to_string(Decision decision);  // "pending", "accepted", "rejected", "uncertain"
std::optional<Decision> decision_from_string(std::string_view text);

enum class FindingKind { kTear, kThickening };

// What a correction moves: one end of the finding's caliper (0: from, 1: to) or one vertex of its
// region's outline.
enum class Handle { kCaliperEnd, kRegionVertex };

// A finding's geometry in one frame, in mm.
struct FindingFrame {
  // The ends of the measured distance: for the tear its proximal and distal stump ends, for a
  // thickening the tendon's superficial and deep surface at its thickest point.
  std::optional<std::array<PointMm, 2>> caliper_mm;
  // The outline (the tear's defect) by its corners: the analysis' outline without the vertices
  // that lie within 0.1 mm of the line through their neighbours. Empty where there is none.
  std::vector<PointMm> region_mm;
};

struct Correction {
  int sequence = 0;  // order across the whole review (for undo): 1, 2, ...
  int frame = 0;
  Handle handle = Handle::kCaliperEnd;
  int index = 0;           // the caliper end (0 or 1) or the vertex
  PointMm from_mm, to_mm;  // where the point was before, and where the reviewer put it
  std::string at_utc;
};

struct Finding {
  FindingKind kind = FindingKind::kTear;
  std::string id;     // the key in the review file: "tear", "thickening"
  std::string title;  // what the analysis claims: "full tear, score 1.00"
  std::string measure = "gap";
  // The caliper measures along this unit vector: the gap along the fibres (lateral, as the tear
  // step measures it), a thickness across them (depth).
  std::array<double, 2> axis{1.0, 0.0};
  int key_frame = 0;                 // where it is reported: the tear at peak, a thickening at rest
  std::vector<FindingFrame> frames;  // as analysed; one per frame of the loop

  Decision decision = Decision::kPending;
  std::string comment;
  std::vector<Correction> corrections;  // in the order made; a later one wins
  std::string decided_utc;              // empty while pending
  std::string updated_utc;              // the last change of any kind; empty if none

  // The geometry at `frame` with the corrections applied (empty outside the loop).
  FindingFrame corrected(int frame) const;
  // The caliper's length along `axis`, in mm; nullopt where the frame has no caliper.
  std::optional<double> measurement_mm(int frame) const;
  std::optional<double> analysed_measurement_mm(int frame) const;
  // The region's area (shoelace), mm^2; nullopt without a region.
  std::optional<double> region_area_mm2(int frame) const;
  std::optional<double> analysed_region_area_mm2(int frame) const;
  // The frames with at least one correction, increasing.
  std::vector<int> corrected_frames() const;
};

// The findings of an analysis, all pending: the tear when suspected, the focal thickening when
// present.
std::vector<Finding> findings(const segmentation::Analysis& analysis);

// What is reviewed: the analysis folder's result.json and the loop it analysed.
struct Reviewed {
  std::string result_sha256;  // of result.json's bytes
  std::string input_path;
  std::string input_sha256;
};

// "2026-12-01T20:36:06Z".
std::string utc_now();

class Review {
 public:
  Review(std::string reviewer, Reviewed reviewed, std::vector<Finding> findings,
         std::string created_utc = utc_now());

  const std::string& reviewer() const { return reviewer_; }
  const Reviewed& reviewed() const { return reviewed_; }
  const std::vector<Finding>& findings() const { return findings_; }
  const std::string& created_utc() const { return created_utc_; }
  const std::string& updated_utc() const { return updated_utc_; }

  // kInvalidArgument for a finding, frame, handle or vertex that does not exist.
  Status decide(std::size_t finding, Decision decision, const std::string& at_utc = utc_now());
  Status set_comment(std::size_t finding, std::string comment,
                     const std::string& at_utc = utc_now());
  // Moves one handle of the finding in `frame` to `to_mm`.
  Status correct(std::size_t finding, int frame, Handle handle, int index, PointMm to_mm,
                 const std::string& at_utc = utc_now());
  // Takes back the latest correction of any finding; false when there is none.
  bool undo_correction(const std::string& at_utc = utc_now());

 private:
  Status check(std::size_t finding) const;
  void touch(Finding& finding, const std::string& at_utc);

  std::string reviewer_;
  Reviewed reviewed_;
  std::vector<Finding> findings_;
  std::string created_utc_, updated_utc_;
};

}  // namespace dynamus::review
