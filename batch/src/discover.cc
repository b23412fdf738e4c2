#include "dynamus/batch/discover.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <system_error>

namespace dynamus::batch {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDicomdirName = "DICOMDIR";

bool is_hidden(const fs::path& path) { return path.filename().string().starts_with('.'); }

// Sidecars and the simulator's truth are JSON; a MetaImage header's pixel data sits beside it.
bool is_companion_file(const fs::path& path) {
  const std::string extension = path.extension().string();
  if (extension == ".json") return true;
  if (extension == ".raw" || extension == ".zraw") {
    std::error_code error;
    return fs::exists(fs::path(path).replace_extension(".mhd"), error);
  }
  return false;
}

Status add_folder(const fs::path& folder, std::vector<fs::path>& studies);

Status add_dicomdir(const fs::path& dicomdir, std::vector<fs::path>& studies) {
  DYNAMUS_ASSIGN_OR_RETURN(std::vector<fs::path> files, read_dicomdir(dicomdir));
  studies.insert(studies.end(), files.begin(), files.end());
  return ok_status();
}

Status add_folder(const fs::path& folder, std::vector<fs::path>& studies) {
  std::error_code error;
  if (fs::is_regular_file(folder / kDicomdirName, error))
    return add_dicomdir(folder / kDicomdirName, studies);
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (!is_hidden(it->path())) entries.push_back(it->path());
  }
  if (error) {
    return Status(StatusCode::kUnreadable, fmt::format("cannot list folder: {}", error.message()),
                  folder.string());
  }
  std::sort(entries.begin(), entries.end());
  for (const fs::path& entry : entries) {
    if (fs::is_directory(entry, error)) {
      DYNAMUS_RETURN_IF_ERROR(add_folder(entry, studies));
    } else if (!is_companion_file(entry)) {
      studies.push_back(entry);
    }
  }
  return ok_status();
}

std::string trimmed(std::string text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // a UTF-8 byte order mark
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  // A quoted CSV field: "a ""b"" c" -> a "b" c.
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
      unquoted += text[i];
      if (text[i] == '"' && text[i + 1] == '"') ++i;
    }
    text = unquoted;
  }
  return text;
}

Status add_manifest(const fs::path& manifest, std::vector<fs::path>& studies) {
  std::ifstream file(manifest);
  std::string header;
  if (!file || !std::getline(file, header)) {
    return Status(StatusCode::kUnreadable, "cannot read the manifest", manifest.string());
  }
  header = trimmed(header);
  std::transform(header.begin(), header.end(), header.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (header == "study_uid" || header == "series_uid" || header.starts_with("study_uid,") ||
      header.starts_with("series_uid,")) {
    return Status(StatusCode::kUnsupported,
                  fmt::format("a manifest of {}s names studies in a PACS: give it with "
                              "--pacs URL, or list file paths under a `path` "
                              "header",
                              header.substr(0, header.find(','))),
                  manifest.string());
  }
  if (header != "path") {
    return Status(
        StatusCode::kInvalidArgument,
        fmt::format("a manifest's first line must be the header `path`, got '{}'", header),
        manifest.string());
  }
  for (std::string line; std::getline(file, line);) {
    const std::string entry = trimmed(line);
    if (entry.empty()) continue;
    const fs::path path(entry);
    studies.push_back(path.is_absolute() ? path : manifest.parent_path() / path);
  }
  return ok_status();
}

}  // namespace

Result<std::vector<fs::path>> discover_inputs(const std::vector<fs::path>& arguments) {
  std::vector<fs::path> found;
  for (const fs::path& argument : arguments) {
    std::error_code error;
    const fs::path path = fs::absolute(argument, error).lexically_normal();
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) {
      return Status(StatusCode::kNotFound, "no such file or folder", argument.string());
    }
    if (fs::is_directory(status)) {
      DYNAMUS_RETURN_IF_ERROR(add_folder(path, found));
    } else if (path.filename() == kDicomdirName) {
      DYNAMUS_RETURN_IF_ERROR(add_dicomdir(path, found));
    } else if (path.extension() == ".csv") {
      DYNAMUS_RETURN_IF_ERROR(add_manifest(path, found));
    } else {
      found.push_back(path);
    }
  }
  std::vector<fs::path> studies;
  std::set<fs::path> seen;
  for (fs::path& path : found) {
    path = path.lexically_normal();
    if (seen.insert(path).second) studies.push_back(std::move(path));
  }
  return studies;
}

}  // namespace dynamus::batch
