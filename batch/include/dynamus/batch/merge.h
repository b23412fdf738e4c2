// Combining the output folders of shard runs (or of any batches) into one: ledger rows, study
// folders and one summary over all of them.
#pragma once

#include <filesystem>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus::batch {

struct MergeResult {
  int studies = 0;  // rows in the merged ledger
  int done = 0;
  int failed = 0;
  int other = 0;  // queued or running in their shard (that shard did not finish)
};

// Merges every source's ledger and study folders into `output_dir` (created; an existing batch
// folder there is merged into). A path present in several sources keeps its best row: done over
// failed over queued, then the latest finished. A study folder is copied whole under a temporary
// name and renamed into place; a done row whose folder is missing becomes failed, saying so.
// kNotFound when a source has no ledger.
Result<MergeResult> merge_batches(const std::vector<std::filesystem::path>& sources,
                                  const std::filesystem::path& output_dir);

}  // namespace dynamus::batch
