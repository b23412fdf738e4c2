// The studies of a folder, for `dynamus-view FOLDER`: a batch's output folder (its summary.json)
// or a folder of inputs, each study with its analysis folder, its scores and its review state,
// ranked as the batch ranks its worklist (batch::ranked: tear score first). No Qt or VTK here.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "dynamus/batch/ledger.h"
#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/imaging/load.h"
#include "dynamus/review/stored_result.h"

namespace dynamus::view {

struct Study {
  // The path, the status (kDone once analysed, kFailed with the error a batch recorded, else
  // kQueued) and the measures, as in the batch's summary.
  batch::StudyRow row;
  std::filesystem::path analysis_dir;
  std::string review;  // review::tally_text() of the reviews in analysis_dir
};

// A folder opens as a list of studies when it is a batch's output folder (it holds summary.json)
// or holds no image directly (a folder of images is one loop, an image sequence).
bool is_study_folder(const std::filesystem::path& folder);

// A batch folder: its studies in summary order, the analysis of each in DIR/<result_folder> (one
// not done by the batch gets the viewer's own <INPUT>.dynamus). Any other folder: the inputs that
// batch::discover_inputs() finds in it, analysis folders (*.dynamus) left out, each analysed in
// its <INPUT>.dynamus. kNotFound naming the folder when it has no study.
Result<std::vector<Study>> open_study_folder(const std::filesystem::path& folder);

// Reads the study's analysis and reviews again (after it was analysed or reviewed).
void refresh(Study& study);

// By tear score, highest first, then unscored, failed and unanalysed ones (batch::ranked()).
std::vector<Study> ranked(std::vector<Study> studies);

struct LoadedStudy {
  imaging::CineLoop loop;
  std::optional<review::StoredResult> stored;  // the analysis folder's result.json, if any
};
// The loop and its analysis folder's result.json, checked against each other: kInvalidData naming
// the input when result.json analysed another one, or naming result.json when it is unreadable.
Result<LoadedStudy> load_study(const std::filesystem::path& input,
                               const std::filesystem::path& analysis_dir,
                               const imaging::LoadOptions& options = {});

// Three lines for the list: "full-tear.dcm", "score 0.93  full tear  gap 3.1 → 9.8 mm", "ann: 1
// accepted".
std::string study_line(const Study& study);

}  // namespace dynamus::view
