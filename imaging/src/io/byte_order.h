// Reading integers out of file bytes in a given byte order.
#pragma once

#include <cstdint>

namespace dynamus::imaging::io {

// The 32-bit unsigned integer in the 4 bytes at `p`, little or big endian.
inline std::uint32_t read_u32(const unsigned char* p, bool little) {
  return little ? std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
                      std::uint32_t(p[3]) << 24
                : std::uint32_t(p[3]) | std::uint32_t(p[2]) << 8 | std::uint32_t(p[1]) << 16 |
                      std::uint32_t(p[0]) << 24;
}

}  // namespace dynamus::imaging::io
