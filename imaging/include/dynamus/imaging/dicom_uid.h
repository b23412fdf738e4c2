// Deterministic DICOM UIDs under the UUID-derived root 2.25 (ISO/IEC 9834-8, DICOM PS3.5 B.2):
// for the loops dynamus writes, and for the studies of anonymised results.
#pragma once

#include <string>
#include <string_view>

namespace dynamus::imaging {

// "2.25." + the decimal value of a UUID built from the first 128 bits of SHA-256(seed), with the
// version set to 8 (custom) and the RFC 9562 variant, so that it is a well-formed UUID. At most
// 44 characters.
std::string uid_from_seed(std::string_view seed);

// The decimal value of a 128-bit number given as 32 hex digits (most significant first).
std::string decimal_from_hex128(std::string_view hex);

// True for a UID DICOM accepts: 1-64 characters, dot-separated numbers without leading zeros.
bool is_valid_uid(std::string_view uid);

}  // namespace dynamus::imaging
