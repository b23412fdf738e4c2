// De-identification shared by `analyze --anonymize` and `batch --anonymize`: identifiers (a file's
// checksum, an input path, a DICOM UID) are replaced by a salted SHA-256 of themselves, so the same
// identifier always gets the same pseudonym and nobody can compute the identifier back from it.
// Whoever knows the salt and a candidate identifier can confirm a match; with the default, empty
// salt, that is anyone who has the original (docs/reliability.md, "Anonymisation").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dynamus {

inline constexpr const char* kPseudonymPrefix = "ANON-";
// The environment variable holding the site's secret salt.
inline constexpr const char* kAnonymizeSaltVariable = "DYNAMUS_ANONYMIZE_SALT";

// $DYNAMUS_ANONYMIZE_SALT, or empty when unset.
std::string anonymize_salt();

// "ANON-" and the first `hex_digits` (at most 64) hex digits of SHA-256(salt + identifier).
std::string pseudonym_of(std::string_view identifier, std::size_t hex_digits = 12);

// `text` with every occurrence of `identifier` (a path, a file name) replaced by `pseudonym`;
// unchanged for an empty identifier.
std::string replace_identifier(std::string text, std::string_view identifier,
                               std::string_view pseudonym);

}  // namespace dynamus
