// Text from input files (DICOM headers in Latin-1, file names) made safe for cairo and HTML, which
// both need valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace dynamus::reporting {

// `text` with every byte that does not belong to a valid UTF-8 sequence replaced by '?'.
std::string valid_utf8(std::string_view text);

}  // namespace dynamus::reporting
