// A small DICOMweb client (libcurl): QIDO-RS to list a PACS's studies, WADO-RS to retrieve a
// study's instances, STOW-RS to store files. The DICOM bytes are passed through untouched; only
// the multipart/related envelope is parsed here (DCMTK reads the files later).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus::batch {

struct DicomWebOptions {
  std::string url;  // the DICOMweb root, e.g. http://127.0.0.1:8042/dicom-web (no trailing /)
  std::chrono::seconds connect_timeout{10};
  // A transfer slower than 1 kB/s for this long is abandoned (a hung server), however large the
  // study: a fixed total timeout would cut off big studies on a slow link.
  std::chrono::seconds stall_timeout{60};
};

// Every error is kUnreadable with the request's URL as its context: connection refused, timeout,
// an HTTP status >= 400 (with the status), or a response that is not what DICOMweb promises.
class DicomWebClient {
 public:
  explicit DicomWebClient(DicomWebOptions options);

  // GET {url}/studies: the Study Instance UIDs (0020000D) the PACS lists, in its order.
  Result<std::vector<std::string>> query_studies() const;

  // GET {url}/series?SeriesInstanceUID={uid}: the study the series belongs to (its 0020000D).
  // kUnreadable when the PACS has no such series.
  Result<std::string> study_of_series(const std::string& series_uid) const;

  // GET {url}/studies/{uid} as multipart/related; type="application/dicom": the instances'
  // bytes, one string per part, in the order the server sent them.
  Result<std::vector<std::string>> retrieve_study(const std::string& study_uid) const;

  // POST {url}/studies with the files as one multipart/related request. A server that answers
  // with a failure (HTTP >= 400, or 200/202 listing FailedSOPSequence) is an error.
  Status store(const std::vector<std::filesystem::path>& files) const;

 private:
  Result<std::vector<std::string>> query_study_uids(const std::string& url) const;

  DicomWebOptions options_;
};

}  // namespace dynamus::batch
