// The batch's worklist: DIR/summary.csv and DIR/summary.json, one row per ledger row, ranked by
// tear score (highest first; studies without a score after, failures last), then by path.
#pragma once

#include <filesystem>
#include <vector>

#include "dynamus/batch/ledger.h"
#include "dynamus/core/status.h"

namespace dynamus::batch {

inline constexpr const char* kSummaryCsvName = "summary.csv";
inline constexpr const char* kSummaryJsonName = "summary.json";
inline constexpr const char* kSummarySchema = "dynamus.batch-summary/1";

// The rows in summary order.
std::vector<StudyRow> ranked(std::vector<StudyRow> rows);

// Writes both files atomically. Neither holds timestamps, so the same studies give the same bytes
// whether they were scored in one run, resumed runs or merged shards.
Status write_summary(const std::filesystem::path& dir, const std::vector<StudyRow>& rows);

// DIR/summary.json read back, in its order: the rows as written (what the summary holds; ledger
// bookkeeping such as hashes, times and sizes stays empty). kNotFound without the file;
// kInvalidData naming it when it is not a dynamus.batch-summary/1 document.
Result<std::vector<StudyRow>> read_summary(const std::filesystem::path& dir);

// The summary's measures from a study's result.json (dynamus.analysis/1). kInvalidData naming the
// file when it is not such a result.
Result<StudyMeasures> read_measures(const std::filesystem::path& result_json);

}  // namespace dynamus::batch
