#include "dynamus/core/pseudonym.h"

#include <cstdlib>

#include "dynamus/core/sha256.h"

namespace dynamus {

std::string anonymize_salt() {
  const char* salt = std::getenv(kAnonymizeSaltVariable);
  return salt == nullptr ? std::string() : std::string(salt);
}

std::string pseudonym_of(std::string_view identifier, std::size_t hex_digits) {
  return kPseudonymPrefix +
         sha256_hex(anonymize_salt() + std::string(identifier)).substr(0, hex_digits);
}

std::string replace_identifier(std::string text, std::string_view identifier,
                               std::string_view pseudonym) {
  if (identifier.empty()) return text;
  for (std::size_t at = text.find(identifier); at != std::string::npos;
       at = text.find(identifier, at + pseudonym.size())) {
    text.replace(at, identifier.size(), pseudonym);
  }
  return text;
}

}  // namespace dynamus
