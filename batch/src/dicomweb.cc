#include "dynamus/batch/dicomweb.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

#include "dynamus/batch/multipart.h"

namespace dynamus::batch {
namespace {

constexpr const char* kDicomType = "application/dicom";
constexpr const char* kStudyInstanceUidTag = "0020000D";
constexpr const char* kFailedSopSequenceTag = "00081198";

struct Response {
  long http_status = 0;
  std::string content_type;
  std::string body;
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* response) {
  static_cast<Response*>(response)->body.append(data, size * count);
  return size * count;
}

// libcurl's global state, set up once before the first request (it is not thread-safe).
void init_curl_once() {
  static const bool initialised = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)initialised;
}

Status request_error(const std::string& url, std::string why) {
  return Status(StatusCode::kUnreadable, std::move(why), url);
}

// One HTTP request; a transport failure or an HTTP error status is an error naming the URL.
Result<Response> perform(const DicomWebOptions& options, const std::string& url,
                         const std::vector<std::string>& headers, const std::string* post_body) {
  init_curl_once();
  const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                                 &curl_easy_cleanup);
  if (!curl) return request_error(url, "cannot start an HTTP request (libcurl)");
  curl_slist* list = nullptr;
  for (const std::string& header : headers) list = curl_slist_append(list, header.c_str());
  const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(
      list, &curl_slist_free_all);
  Response response;
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, long(options.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1000L);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, long(options.stall_timeout.count()));
  if (post_body != nullptr) {
    curl_easy_setopt(handle, CURLOPT_POST, 1L);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, post_body->data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(post_body->size()));
  }
  char error_text[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
  const CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    return request_error(url,
                         fmt::format("request failed: {}",
                                     error_text[0] != 0 ? error_text : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.http_status);
  const char* content_type = nullptr;
  curl_easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type != nullptr) response.content_type = content_type;
  if (response.http_status >= 400) {
    return request_error(url, fmt::format("the server answered HTTP {}", response.http_status));
  }
  return response;
}

Result<std::string> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status(StatusCode::kUnreadable, "cannot read the file", file.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

DicomWebClient::DicomWebClient(DicomWebOptions options) : options_(std::move(options)) {
  while (options_.url.ends_with('/')) options_.url.pop_back();
}

// A QIDO-RS query: the Study Instance UID of every match, in the server's order.
Result<std::vector<std::string>> DicomWebClient::query_study_uids(const std::string& url) const {
  DYNAMUS_ASSIGN_OR_RETURN(const Response response,
                           perform(options_, url, {"Accept: application/dicom+json"}, nullptr));
  // No matches may come as 204 with no body.
  if (response.http_status == 204 || response.body.empty()) return std::vector<std::string>{};
  const nlohmann::json matches = nlohmann::json::parse(response.body, nullptr, false);
  if (!matches.is_array()) return request_error(url, "the answer is not a DICOM JSON array");
  std::vector<std::string> uids;
  for (const nlohmann::json& match : matches) {
    const nlohmann::json* value = nullptr;
    if (match.is_object() && match.contains(kStudyInstanceUidTag)) {
      value = &match[kStudyInstanceUidTag];
    }
    if (value == nullptr || !value->contains("Value") || !(*value)["Value"].is_array() ||
        (*value)["Value"].empty() || !(*value)["Value"][0].is_string()) {
      return request_error(url, "a match without a Study Instance UID in the answer");
    }
    uids.push_back((*value)["Value"][0].get<std::string>());
  }
  return uids;
}

Result<std::vector<std::string>> DicomWebClient::query_studies() const {
  return query_study_uids(options_.url + "/studies");
}

Result<std::string> DicomWebClient::study_of_series(const std::string& series_uid) const {
  const std::string url = fmt::format("{}/series?SeriesInstanceUID={}", options_.url, series_uid);
  DYNAMUS_ASSIGN_OR_RETURN(const std::vector<std::string> studies, query_study_uids(url));
  if (studies.empty()) return request_error(url, "the PACS has no such series");
  return studies.front();
}

Result<std::vector<std::string>> DicomWebClient::retrieve_study(
    const std::string& study_uid) const {
  const std::string url = fmt::format("{}/studies/{}", options_.url, study_uid);
  DYNAMUS_ASSIGN_OR_RETURN(
      const Response response,
      perform(options_, url, {fmt::format("Accept: multipart/related; type=\"{}\"", kDicomType)},
              nullptr));
  const std::optional<std::string> boundary = multipart_boundary(response.content_type);
  if (!boundary) {
    return request_error(
        url, fmt::format("expected a multipart/related answer, got '{}'", response.content_type));
  }
  Result<std::vector<std::string>> parts = split_multipart(response.body, *boundary);
  if (!parts.ok()) return parts.status().with_context(url);
  if (parts->empty()) return request_error(url, "the study has no instances");
  return parts;
}

Status DicomWebClient::store(const std::vector<std::filesystem::path>& files) const {
  const std::string url = options_.url + "/studies";
  std::vector<std::string> parts;
  for (const std::filesystem::path& file : files) {
    DYNAMUS_ASSIGN_OR_RETURN(std::string bytes, read_bytes(file));
    parts.push_back(std::move(bytes));
  }
  const std::string boundary = make_boundary(parts);
  const std::string body = join_multipart(parts, boundary, kDicomType);
  DYNAMUS_ASSIGN_OR_RETURN(
      const Response response,
      perform(options_, url,
              {fmt::format("Content-Type: multipart/related; type=\"{}\"; boundary={}", kDicomType,
                           boundary),
               "Accept: application/dicom+json",
               // Without this libcurl waits up to 1 s for a `100 Continue` before the upload.
               "Expect:"},
              &body));
  // A 200 or 202 may still list instances the server refused; an empty list means none.
  const nlohmann::json answer = nlohmann::json::parse(response.body, nullptr, false);
  if (answer.is_object() && answer.contains(kFailedSopSequenceTag)) {
    const nlohmann::json& failed = answer[kFailedSopSequenceTag];
    if (failed.is_object() && failed.contains("Value") && failed["Value"].is_array() &&
        !failed["Value"].empty()) {
      return request_error(url, fmt::format("the server refused {} of {} instances",
                                            failed["Value"].size(), files.size()));
    }
  }
  return ok_status();
}

}  // namespace dynamus::batch
