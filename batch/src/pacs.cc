#include "dynamus/batch/pacs.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>

#include "dynamus/core/atomic_file.h"

namespace dynamus::batch {
namespace fs = std::filesystem;
namespace {

// UIDs become folder names, so only what a UID may hold (PS3.5 9.1) is accepted.
std::string header_field(std::string text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // a UTF-8 byte order mark
  text.erase(std::remove_if(text.begin(), text.end(),
                            [](char c) { return c == '"' || c == '\r' || c == ' '; }),
             text.end());
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return text;
}

// A CSV line's fields; UIDs and the header hold no quoted commas.
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = line.find(',', begin);
    fields.push_back(header_field(line.substr(begin, comma - begin)));
    if (comma == std::string::npos) return fields;
    begin = comma + 1;
  }
}

// The index of the column named `name` in a manifest's header line, or -1.
int column_of(const std::string& header, const char* name) {
  const std::vector<std::string> fields = csv_fields(header);
  const auto found = std::find(fields.begin(), fields.end(), name);
  return found == fields.end() ? -1 : int(found - fields.begin());
}

bool is_uid(const std::string& text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
}

struct InstanceInfo {
  bool readable = false;
  bool ultrasound = false;
  long frames = 1;
  std::string series_uid;
};

InstanceInfo instance_info(const fs::path& file) {
  DcmFileFormat format;
  InstanceInfo info;
  // Only the header: the pixel data of a cine loop is most of the file.
  if (format.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, 4096).bad()) return info;
  DcmDataset& dataset = *format.getDataset();
  info.readable = true;
  OFString modality;
  info.ultrasound = dataset.findAndGetOFString(DCM_Modality, modality).good() && modality == "US";
  Sint32 frames = 1;
  if (dataset.findAndGetSint32(DCM_NumberOfFrames, frames).good()) info.frames = frames;
  OFString series;
  if (dataset.findAndGetOFString(DCM_SeriesInstanceUID, series).good()) {
    info.series_uid = series.c_str();
  }
  return info;
}

// One study into cache_dir/<uid>/ through a temporary folder, so a killed retrieval leaves no
// half study that a later run would take as complete.
Status retrieve_into_cache(const DicomWebClient& client, const std::string& uid,
                           const fs::path& study_dir) {
  DYNAMUS_ASSIGN_OR_RETURN(const std::vector<std::string> instances, client.retrieve_study(uid));
  const fs::path temporary = study_dir.parent_path() / fmt::format(".{}.partial", uid);
  std::error_code error;
  fs::remove_all(temporary, error);
  fs::create_directories(temporary, error);
  if (error) {
    return Status(StatusCode::kUnreadable, fmt::format("cannot create folder: {}", error.message()),
                  temporary.string());
  }
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const Status written =
        write_text_file_atomically(temporary / fmt::format("{:04}.dcm", i + 1), instances[i]);
    if (!written.ok()) {
      fs::remove_all(temporary, error);
      return written;
    }
  }
  fs::rename(temporary, study_dir, error);
  if (error) {
    fs::remove_all(temporary, error);
    return Status(StatusCode::kUnreadable, fmt::format("cannot create folder: {}", error.message()),
                  study_dir.string());
  }
  return ok_status();
}

}  // namespace

bool is_pacs_manifest(const fs::path& file) {
  if (file.extension() != ".csv") return false;
  std::ifstream in(file);
  std::string header;
  return in && std::getline(in, header) &&
         (column_of(header, "study_uid") >= 0 || column_of(header, "series_uid") >= 0);
}

Result<std::vector<PacsRequest>> read_pacs_manifest(const fs::path& manifest) {
  std::ifstream file(manifest);
  std::string line;
  if (!file || !std::getline(file, line)) {
    return Status(StatusCode::kUnreadable, "cannot read the manifest", manifest.string());
  }
  const int study_column = column_of(line, "study_uid");
  const int series_column = column_of(line, "series_uid");
  if (study_column < 0 && series_column < 0) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("a PACS manifest's header must have a `study_uid` or a `series_uid` "
                              "column, got '{}'",
                              line),
                  manifest.string());
  }
  std::vector<PacsRequest> requests;
  while (std::getline(file, line)) {
    const std::vector<std::string> fields = csv_fields(line);
    auto field = [&](int column) {
      return column >= 0 && std::size_t(column) < fields.size() ? fields[std::size_t(column)]
                                                                : std::string();
    };
    const PacsRequest request{field(study_column), field(series_column)};
    if (request.study_uid.empty() && request.series_uid.empty()) continue;
    for (const std::string* uid : {&request.study_uid, &request.series_uid}) {
      if (!uid->empty() && !is_uid(*uid)) {
        return Status(StatusCode::kInvalidData, fmt::format("'{}' is not a DICOM UID", *uid),
                      manifest.string());
      }
    }
    requests.push_back(request);
  }
  return requests;
}

Result<std::vector<fs::path>> fetch_pacs_inputs(const DicomWebClient& client,
                                                std::vector<PacsRequest> requests,
                                                const fs::path& cache_dir, std::ostream* log) {
  if (requests.empty()) {
    DYNAMUS_ASSIGN_OR_RETURN(const std::vector<std::string> studies, client.query_studies());
    for (const std::string& uid : studies) requests.push_back({uid, ""});
  }
  std::error_code error;
  fs::create_directories(cache_dir, error);
  if (error) {
    return Status(StatusCode::kUnreadable, fmt::format("cannot create folder: {}", error.message()),
                  cache_dir.string());
  }
  // What a killed retrieval left (the batch folder's lock keeps other batches out).
  for (const auto& entry : fs::directory_iterator(cache_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with('.') && name.ends_with(".partial")) fs::remove_all(entry.path(), error);
  }
  std::vector<fs::path> inputs;
  int retrieved = 0;
  std::set<std::pair<std::string, std::string>> seen;
  std::set<std::string> studies;
  for (PacsRequest& request : requests) {
    if (request.study_uid.empty()) {
      DYNAMUS_ASSIGN_OR_RETURN(request.study_uid, client.study_of_series(request.series_uid));
    }
    if (!seen.insert({request.study_uid, request.series_uid}).second) continue;  // listed twice
    if (!is_uid(request.study_uid)) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("the PACS listed '{}' as a Study Instance UID", request.study_uid));
    }
    studies.insert(request.study_uid);
    const fs::path study_dir = cache_dir / request.study_uid;
    if (!fs::is_directory(study_dir, error)) {
      DYNAMUS_RETURN_IF_ERROR(retrieve_into_cache(client, request.study_uid, study_dir));
      ++retrieved;
    }
    const std::vector<fs::path> picked = pick_cine_instances(study_dir, request.series_uid);
    inputs.insert(inputs.end(), picked.begin(), picked.end());
  }
  if (log != nullptr) {
    *log << fmt::format("dynamus batch: {} PACS studies ({} retrieved, {} from {}), {} inputs\n",
                        studies.size(), retrieved, studies.size() - std::size_t(retrieved),
                        cache_dir.string(), inputs.size());
  }
  return inputs;
}

std::vector<fs::path> pick_cine_instances(const fs::path& study_dir,
                                          const std::string& series_uid) {
  std::vector<fs::path> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(study_dir, error)) {
    if (entry.is_regular_file(error) && entry.path().extension() == ".dcm")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<fs::path> candidates, ultrasound_cines, cines;
  for (const fs::path& file : files) {
    const InstanceInfo info = instance_info(file);
    if (!series_uid.empty() && info.series_uid != series_uid) continue;
    candidates.push_back(file);
    if (!info.readable || info.frames <= 1) continue;
    (info.ultrasound ? ultrasound_cines : cines).push_back(file);
  }
  if (!ultrasound_cines.empty()) return ultrasound_cines;
  if (!cines.empty()) return cines;
  const auto largest =
      std::max_element(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
        std::error_code size_error;
        return fs::file_size(a, size_error) < fs::file_size(b, size_error);
      });
  if (largest == candidates.end()) return {};
  return {*largest};
}

Result<std::vector<fs::path>> result_dicom_files(const fs::path& study_folder) {
  std::vector<fs::path> files = {study_folder / "dicom" / "sc.dcm",
                                 study_folder / "dicom" / "sr.dcm"};
  for (const fs::path& file : files) {
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
      return Status(StatusCode::kNotFound, "no DICOM result to push (analyze --dicom)",
                    file.string());
    }
  }
  return files;
}

}  // namespace dynamus::batch
