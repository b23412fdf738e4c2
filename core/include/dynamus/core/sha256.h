#pragma once

#include <filesystem>
#include <string>

#include "dynamus/core/status.h"

namespace dynamus {

// Hex SHA-256 of the file's bytes, read in chunks (bounded memory).
Result<std::string> sha256_file(const std::filesystem::path& path);

// Hex SHA-256 of a byte string.
std::string sha256_hex(std::string_view bytes);

}  // namespace dynamus
