#include "dynamus/batch/multipart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <random>

namespace dynamus::batch {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return result;
}

Status bad_multipart(std::string_view why) {
  return Status(StatusCode::kInvalidData, fmt::format("malformed multipart response: {}", why));
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const std::string lowered = lower(content_type);
  if (!lowered.starts_with("multipart/")) return std::nullopt;
  // Parameters are `; name=value`; the boundary's value keeps its case.
  std::size_t at = lowered.find(';');
  while (at != std::string::npos) {
    std::size_t name_begin = at + 1;
    while (name_begin < lowered.size() && lowered[name_begin] == ' ') ++name_begin;
    const std::size_t equals = lowered.find('=', name_begin);
    if (equals == std::string::npos) return std::nullopt;
    std::size_t value_end = equals + 1;
    std::string value;
    if (value_end < content_type.size() && content_type[value_end] == '"') {
      const std::size_t close = content_type.find('"', value_end + 1);
      if (close == std::string::npos) return std::nullopt;
      value = std::string(content_type.substr(value_end + 1, close - value_end - 1));
      value_end = close + 1;
    } else {
      const std::size_t semicolon = content_type.find(';', value_end);
      value = std::string(content_type.substr(value_end, semicolon - value_end));
      while (!value.empty() && value.back() == ' ') value.pop_back();
      value_end = semicolon == std::string::npos ? content_type.size() : semicolon;
    }
    if (lowered.substr(name_begin, equals - name_begin) == "boundary" && !value.empty()) {
      return value;
    }
    at = lowered.find(';', value_end);
  }
  return std::nullopt;
}

Result<std::vector<std::string>> split_multipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = fmt::format("--{}", boundary);
  const std::string inner_delimiter = "\r\n" + delimiter;
  // The first delimiter opens the body or a line after the preamble.
  std::size_t at = body.starts_with(delimiter) ? 0 : body.find(inner_delimiter);
  if (at == std::string_view::npos) return bad_multipart("no opening boundary");
  if (at != 0) at += 2;
  std::vector<std::string> parts;
  while (true) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    // Transport padding (spaces or tabs) may follow a delimiter before its line break.
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
    if (body.substr(at, 2) != "\r\n") return bad_multipart("no line break after a boundary");
    at += 2;
    const std::size_t end = body.find(inner_delimiter, at);
    if (end == std::string_view::npos) return bad_multipart("no closing boundary");
    const std::string_view part = body.substr(at, end - at);
    // Headers end at the first blank line; a part without headers starts with it.
    std::size_t content = 0;
    if (part.starts_with("\r\n")) {
      content = 2;
    } else {
      const std::size_t blank = part.find("\r\n\r\n");
      if (blank == std::string_view::npos) return bad_multipart("a part without a blank line");
      content = blank + 4;
    }
    parts.emplace_back(part.substr(content));
    at = end + 2;
  }
}

std::string join_multipart(const std::vector<std::string>& parts, std::string_view boundary,
                           std::string_view part_type) {
  std::string body;
  for (const std::string& part : parts) {
    body += fmt::format("--{}\r\nContent-Type: {}\r\n\r\n", boundary, part_type);
    body += part;
    body += "\r\n";
  }
  body += fmt::format("--{}--\r\n", boundary);
  return body;
}

std::string make_boundary(const std::vector<std::string>& parts) {
  std::random_device device;
  std::mt19937_64 random(device());
  while (true) {
    const std::string boundary = fmt::format("dynamus-{:016x}", random());
    const bool inside = std::any_of(parts.begin(), parts.end(), [&](const std::string& part) {
      return part.find(boundary) != part.npos;
    });
    if (!inside) return boundary;
  }
}

}  // namespace dynamus::batch
