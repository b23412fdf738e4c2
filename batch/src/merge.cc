#include "dynamus/batch/merge.h"

#include <fmt/format.h>

#include <map>

#include "batch_folder.h"
#include "dynamus/batch/batch.h"
#include "dynamus/batch/ledger.h"
#include "dynamus/batch/summary.h"
#include "dynamus/core/exit_code.h"

namespace dynamus::batch {
namespace fs = std::filesystem;
namespace {

int preference(StudyStatus status) {
  switch (status) {
    case StudyStatus::kDone:
      return 3;
    case StudyStatus::kFailed:
      return 2;
    default:
      return 1;
  }
}

bool better(const StudyRow& candidate, const StudyRow& current) {
  if (preference(candidate.status) != preference(current.status))
    return preference(candidate.status) > preference(current.status);
  return candidate.finished_utc > current.finished_utc;
}

struct Source {
  fs::path dir;
  StudyRow row;
};

// Copies the source's study folder unless the output already has it complete.
Status copy_study_folder(const fs::path& source_dir, const fs::path& output_dir,
                         const std::string& folder) {
  const fs::path target = output_dir / folder;
  std::error_code error;
  if (fs::equivalent(source_dir, output_dir, error)) return ok_status();
  const fs::path source = source_dir / folder;
  if (!fs::is_regular_file(source / "result.json", error)) {
    return Status(StatusCode::kNotFound,
                  fmt::format("the study folder is missing in {}", source_dir.string()),
                  source.string());
  }
  if (fs::is_regular_file(target / "result.json", error)) return ok_status();
  const fs::path temporary =
      temporary_study_folder(target.parent_path(), target.filename().string());
  fs::remove_all(temporary, error);
  fs::copy(source, temporary, fs::copy_options::recursive, error);
  if (error) {
    fs::remove_all(temporary, error);
    return Status(StatusCode::kUnreadable,
                  fmt::format("cannot copy the study folder: {}", error.message()),
                  source.string());
  }
  return put_study_folder_in_place(temporary, target);
}

}  // namespace

Result<MergeResult> merge_batches(const std::vector<fs::path>& sources,
                                  const fs::path& output_dir) {
  for (const fs::path& source : sources) {
    std::error_code error;
    if (!fs::is_regular_file(source / kLedgerFileName, error)) {
      return Status(StatusCode::kNotFound, "not a batch folder (no ledger.sqlite)",
                    source.string());
    }
  }
  DYNAMUS_ASSIGN_OR_RETURN(FolderLock lock, FolderLock::acquire(output_dir));
  std::error_code error;
  fs::create_directories(output_dir / kStudiesFolderName, error);
  remove_stale_temporaries(output_dir / kStudiesFolderName);
  DYNAMUS_ASSIGN_OR_RETURN(Ledger ledger, Ledger::open(output_dir / kLedgerFileName));

  std::map<std::string, Source> best;
  DYNAMUS_ASSIGN_OR_RETURN(const std::vector<StudyRow> existing, ledger.rows());
  for (const StudyRow& row : existing) best[row.path] = Source{output_dir, row};
  for (const fs::path& source : sources) {
    DYNAMUS_ASSIGN_OR_RETURN(const Ledger shard, Ledger::open(source / kLedgerFileName));
    DYNAMUS_ASSIGN_OR_RETURN(const std::vector<StudyRow> rows, shard.rows());
    for (const StudyRow& row : rows) {
      const auto current = best.find(row.path);
      if (current == best.end() || better(row, current->second.row))
        best[row.path] = Source{source, row};
    }
  }

  MergeResult result;
  std::vector<StudyRow> merged;
  for (auto& [path, source] : best) {
    StudyRow& row = source.row;
    if (row.status == StudyStatus::kDone) {
      const Status copied = copy_study_folder(source.dir, output_dir, row.result_folder);
      if (!copied.ok()) {
        row.status = StudyStatus::kFailed;
        row.error_code = exit_code_for(copied.code());
        row.error_message = copied.to_string();
        row.result_folder.clear();
        row.measures = {};
      }
    }
    row.status == StudyStatus::kDone     ? ++result.done
    : row.status == StudyStatus::kFailed ? ++result.failed
                                         : ++result.other;
    merged.push_back(row);
  }
  result.studies = int(merged.size());
  DYNAMUS_RETURN_IF_ERROR(ledger.put(merged));
  DYNAMUS_RETURN_IF_ERROR(write_summary(output_dir, merged));
  return result;
}

}  // namespace dynamus::batch
