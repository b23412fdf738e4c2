// multipart/related (RFC 2387 over RFC 2046): splitting a response body into its parts and
// building a request body from parts. Only the envelope; the parts' bytes are opaque.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus::batch {

// The boundary parameter of a Content-Type header value such as
// `multipart/related; type="application/dicom"; boundary="abc"` (quoted or not), or nullopt when
// it is not multipart or has no boundary.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// The bodies of the parts (their headers dropped), in order. kInvalidData when the first
// delimiter or the closing delimiter is missing, or a part has no blank line after its headers.
Result<std::vector<std::string>> split_multipart(std::string_view body, std::string_view boundary);

// A body of the parts, each with `Content-Type: part_type`, delimited by `boundary` (which must
// not occur in any part; make_boundary picks one that does not).
std::string join_multipart(const std::vector<std::string>& parts, std::string_view boundary,
                           std::string_view part_type);
std::string make_boundary(const std::vector<std::string>& parts);

}  // namespace dynamus::batch
