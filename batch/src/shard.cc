#include "dynamus/batch/shard.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace dynamus::batch {
namespace {

std::optional<long> parse_integer(std::string_view text) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<long> environment_integer(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return parse_integer(value);
}

}  // namespace

std::string Shard::to_string() const { return fmt::format("{}/{}", index, count); }

Result<Shard> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  const std::optional<long> index = slash == std::string::npos
                                        ? std::nullopt
                                        : parse_integer(std::string_view(text).substr(0, slash));
  const std::optional<long> count = slash == std::string::npos
                                        ? std::nullopt
                                        : parse_integer(std::string_view(text).substr(slash + 1));
  if (!index || !count || *count < 1 || *index < 0 || *index >= *count || *count > 1000000) {
    return Status(StatusCode::kInvalidArgument,
                  fmt::format("--shard expects i/N with 0 <= i < N (0-based), got '{}'", text));
  }
  return Shard{int(*index), int(*count)};
}

Result<std::optional<Shard>> shard_from_slurm_environment() {
  const std::optional<long> id = environment_integer("SLURM_ARRAY_TASK_ID");
  const std::optional<long> count = environment_integer("SLURM_ARRAY_TASK_COUNT");
  if (!id && !count) return std::optional<Shard>();
  const long min = environment_integer("SLURM_ARRAY_TASK_MIN").value_or(0);
  if (!id || !count || *id - min < 0 || *id - min >= *count) {
    return Status(StatusCode::kInvalidArgument,
                  "SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_COUNT do not "
                  "describe a task of a contiguous job array (e.g. --array=0-3)");
  }
  return std::optional<Shard>(Shard{int(*id - min), int(*count)});
}

int shard_of(const std::string& key_hex, int count) {
  // 15 hex digits fit a 64-bit value with room; the key's digits are uniformly distributed.
  std::uint64_t value = 0;
  std::from_chars(key_hex.data(), key_hex.data() + std::min<std::size_t>(key_hex.size(), 15), value,
                  16);
  return int(value % std::uint64_t(count));
}

}  // namespace dynamus::batch
