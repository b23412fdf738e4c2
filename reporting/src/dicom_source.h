// The source DICOM file's header, read again with DCMTK (the loader decoded it with GDCM and kept
// only what the analysis needs): for the report's study header and for the DICOM results, which
// copy its patient and study modules.
#pragma once

#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcfilefo.h>

#include <memory>
#include <string>

#include "dynamus/core/status.h"

namespace dynamus::reporting {

// The data set without its large values (pixel data is not read). kUnreadable naming the file.
Result<std::unique_ptr<DcmFileFormat>> load_dicom_header(const std::string& path);

}  // namespace dynamus::reporting
