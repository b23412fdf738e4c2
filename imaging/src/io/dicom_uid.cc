#include "dynamus/imaging/dicom_uid.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>

#include "dynamus/core/sha256.h"

namespace dynamus::imaging {
namespace {

constexpr std::size_t kMaxUidLength = 64;
constexpr std::size_t kHexDigits128 = 32;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  assert(c >= 'A' && c <= 'F');
  return c - 'A' + 10;
}

char hex_digit(int value) { return "0123456789abcdef"[value]; }

}  // namespace

std::string decimal_from_hex128(std::string_view hex) {
  assert(hex.size() == kHexDigits128);
  // Four 32-bit limbs, most significant first, divided by 10 repeatedly: each step's remainder is
  // the next decimal digit from the right. 64-bit intermediates hold (remainder << 32) | limb.
  std::array<std::uint32_t, 4> limbs{};
  for (std::size_t i = 0; i < kHexDigits128; ++i) {
    limbs[i / 8] = (limbs[i / 8] << 4) | std::uint32_t(hex_value(hex[i]));
  }
  std::string digits;
  while (std::any_of(limbs.begin(), limbs.end(), [](std::uint32_t limb) { return limb != 0; })) {
    std::uint64_t remainder = 0;
    for (std::uint32_t& limb : limbs) {
      const std::uint64_t current = (remainder << 32) | limb;
      limb = std::uint32_t(current / 10);
      remainder = current % 10;
    }
    digits.push_back(char('0' + remainder));
  }
  if (digits.empty()) return "0";
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string uid_from_seed(std::string_view seed) {
  std::string hex = sha256_hex(seed).substr(0, kHexDigits128);
  hex[12] = '8';                                          // version 8: custom (here, SHA-256 based)
  hex[16] = hex_digit(0x8 | (hex_value(hex[16]) & 0x3));  // variant 10xx
  return "2.25." + decimal_from_hex128(hex);
}

bool is_valid_uid(std::string_view uid) {
  if (uid.empty() || uid.size() > kMaxUidLength) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(uid.find('.', start), uid.size());
    const std::string_view component = uid.substr(start, end - start);
    if (component.empty() ||
        !std::all_of(component.begin(), component.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        (component.size() > 1 && component[0] == '0')) {
      return false;
    }
    if (end == uid.size()) return true;
    start = end + 1;
  }
}

}  // namespace dynamus::imaging
