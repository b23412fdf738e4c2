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

// What a PACS manifest line asks for: a whole study, or one series (its study found by a QIDO-RS
// query when the line does not give it).
struct PacsRequest {
  std::string study_uid;   // may be empty for a series
  std::string series_uid;  // empty: the whole study
  bool operator==(const PacsRequest&) const = default;
};

// A .csv file whose header has a `study_uid` or a `series_uid` column (a manifest of PACS
// studies or series).
bool is_pacs_manifest(const std::filesystem::path& file);

// The requests of such a manifest, one per line with a UID (lines with neither skipped).
// kUnreadable or kInvalidArgument naming the manifest; a UID that is not digits and dots is
// kInvalidData.
Result<std::vector<PacsRequest>> read_pacs_manifest(const std::filesystem::path& manifest);

// Retrieves the studies asked for (every study the PACS lists when `requests` is empty) into
// cache_dir/<study uid>/, unless already there, and returns the instances to analyse, request by
// request (of a series request, only that series' instances). Any failure to talk to the PACS
// stops the whole batch (kUnreadable naming the URL).
Result<std::vector<std::filesystem::path>> fetch_pacs_inputs(const DicomWebClient& client,
                                                             std::vector<PacsRequest> requests,
                                                             const std::filesystem::path& cache_dir,
                                                             std::ostream* log);

// The instances of a retrieved study that a batch analyses: every multi-frame (NumberOfFrames > 1)
// instance of modality US; if there is none, every multi-frame instance; if none either, the
// largest file, so that the study still gets a ledger row saying why it cannot be analysed.
// Files DCMTK cannot read are not candidates; with a `series_uid`, only that series' instances.
std::vector<std::filesystem::path> pick_cine_instances(const std::filesystem::path& study_dir,
                                                       const std::string& series_uid = "");

// The DICOM results of a done study folder that `--push` stores back: dicom/sc.dcm and
// dicom/sr.dcm (written by `dynamus analyze --dicom`). kNotFound naming a missing one.
Result<std::vector<std::filesystem::path>> result_dicom_files(
    const std::filesystem::path& study_folder);

}  // namespace dynamus::batch
