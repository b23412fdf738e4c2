// Which studies a batch covers: the inputs named on the command line expanded into one path per
// study (a cine loop file, or an image folder named in a manifest).
#pragma once

#include <filesystem>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus::batch {

// Expands each argument, in argument order, into study paths (absolute, lexically normal, without
// duplicates):
// - a folder: its files, recursively, in sorted order, skipping hidden names (".*"), JSON files
//   (sidecars and simulator truth) and the .raw/.zraw data of a MetaImage header beside them; a
//   folder holding a DICOMDIR contributes the files its records reference instead;
// - a file named DICOMDIR: the files its records reference;
// - a manifest, a file ending in ".csv" whose header is `path`: one study per line, relative
//   paths taken from the manifest's folder (an entry that is a folder is one study, e.g. an image
//   sequence); a `study_uid` or `series_uid` column is kUnsupported (a PACS query, not yet);
// - any other file: one study.
// A missing argument is kNotFound; manifest entries are not checked here, so a missing study
// becomes a failed row in the ledger rather than stopping the batch.
Result<std::vector<std::filesystem::path>> discover_inputs(
    const std::vector<std::filesystem::path>& arguments);

// The files a DICOMDIR's records reference (ReferencedFileID), in record order, as paths under
// the DICOMDIR's folder. kUnreadable or kInvalidData naming the DICOMDIR when it cannot be read.
Result<std::vector<std::filesystem::path>> read_dicomdir(const std::filesystem::path& dicomdir);

}  // namespace dynamus::batch
