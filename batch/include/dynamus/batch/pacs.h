// A PACS as batch input (`dynamus batch --pacs URL`): its studies retrieved over DICOMweb into a
// cache folder, the cine loops among their instances picked as the batch's inputs, and the
// results pushed back.
//
// DIR/pacs/<study uid>/<n>.dcm   one retrieved study, instances in the order the PACS sent them;
//                                the folder appears whole (renamed from a temporary) and is
//                                reused by later runs instead of retrieving the study again;
//                                a killed retrieval's .<uid>.partial/ is removed by the next.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "dynamus/batch/dicomweb.h"
#include "dynamus/core/status.h"

namespace dynamus::batch {

inline constexpr const char* kPacsFolderName = "pacs";

// A .csv file whose header has a `study_uid` column (a manifest of PACS studies).
bool is_study_uid_manifest(const std::filesystem::path& file);

// The Study Instance UIDs of such a manifest's `study_uid` column (empty cells skipped).
// kUnreadable or kInvalidArgument naming the manifest; a UID that is not digits and dots is
// kInvalidData.
Result<std::vector<std::string>> read_study_uid_manifest(const std::filesystem::path& manifest);

// Retrieves the studies (every study the PACS lists when `study_uids` is empty) into
// cache_dir/<uid>/, unless already there, and returns the instances to analyse, study by study.
// Any failure to talk to the PACS stops the whole batch (kUnreadable naming the URL).
Result<std::vector<std::filesystem::path>> fetch_pacs_inputs(const DicomWebClient& client,
                                                             std::vector<std::string> study_uids,
                                                             const std::filesystem::path& cache_dir,
                                                             std::ostream* log);

// The instances of a retrieved study that a batch analyses: every multi-frame (NumberOfFrames > 1)
// instance of modality US; if there is none, every multi-frame instance; if none either, the
// largest file, so that the study still gets a ledger row saying why it cannot be analysed.
// Files DCMTK cannot read are not candidates.
std::vector<std::filesystem::path> pick_cine_instances(const std::filesystem::path& study_dir);

// The DICOM results of a done study folder that `--push` stores back: dicom/sc.dcm and
// dicom/sr.dcm (written by `dynamus analyze --dicom`). kNotFound naming a missing one.
Result<std::vector<std::filesystem::path>> result_dicom_files(
    const std::filesystem::path& study_folder);

}  // namespace dynamus::batch
