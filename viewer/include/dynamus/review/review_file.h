// The review file: DIR/review.<reviewer>.json beside the analysis it reviews, one per reviewer,
// written atomically. It names the result.json it reviews by its sha256, so a review of an older
// analysis is recognised and never applied to a newer one.
#pragma once

#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "dynamus/core/status.h"
#include "dynamus/review/review.h"

namespace dynamus::review {

// The reviewer's name as a file name: letters, digits, '-', '_' and '.' kept, anything else '_',
// no leading '.'; "anonymous" when nothing is left.
std::string safe_reviewer_name(std::string_view reviewer);
// DIR/review.<safe name>.json
std::filesystem::path review_path(const std::filesystem::path& dir, std::string_view reviewer);

// The whole file. Decisions, comments and corrections, and per corrected frame the analysed and
// the corrected measurement (mm) and region area (mm^2) for whoever reads the file without dynamus.
nlohmann::json to_json(const Review& review);
// Writes review_path(dir, reviewer) atomically; kNotFound when dir is missing, kUnreadable when
// it cannot be written.
Status save_review(const Review& review, const std::filesystem::path& dir);

// Reads a review and applies it to `findings` (those of the analysis as it is now, all pending).
// kNotFound without the file; kInvalidData naming the file when it is not a dynamus.review/1
// document, names findings or handles the analysis does not have, or reviews another result.json
// than `current` (its corrections would land on other geometry).
Result<Review> load_review(const std::filesystem::path& path, const Reviewed& current,
                           std::vector<Finding> findings);

// A reviewer's file in a folder at a glance, for a list of studies: how many findings are in
// each decision. Not checked against the analysis (open_review() does that on opening).
struct ReviewTally {
  std::string reviewer;
  std::array<int, 4> decisions{};  // by Decision: pending, accepted, rejected, uncertain
  std::string updated_utc;
};
// Every review.<reviewer>.json in dir, by reviewer; files set aside as stale and files that are
// not dynamus.review/1 documents are left out. Empty without any.
std::vector<ReviewTally> review_tallies(const std::filesystem::path& dir);
// "ann: 1 accepted, 1 pending"; "not reviewed" for none.
std::string tally_text(const std::vector<ReviewTally>& tallies);

struct OpenedReview {
  Review review;
  // Empty, or for people: why the reviewer's earlier file was not applied and where it was kept.
  std::string note;
  bool can_save = true;  // false when an unusable earlier file could not be set aside
};

// The reviewer's review in dir: the saved one when it reviews `current`, else a new one. A file
// that cannot be applied is renamed to review.<name>.stale-<UTC>.json (never overwritten by the
// new review's autosave) and `note` says so.
OpenedReview open_review(const std::filesystem::path& dir, const std::string& reviewer,
                         const Reviewed& current, std::vector<Finding> findings);

}  // namespace dynamus::review
