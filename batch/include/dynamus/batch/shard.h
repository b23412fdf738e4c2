// Splitting one batch over several machines or jobs: shard i of N takes the studies whose key
// falls to it, so N shard runs over the same inputs cover every study exactly once.
#pragma once

#include <optional>
#include <string>

#include "dynamus/core/status.h"

namespace dynamus::batch {

// Shard `index` of `count`, 0-based: 0 <= index < count.
struct Shard {
  int index = 0;
  int count = 1;
  std::string to_string() const;  // "i/N"
};

// Parses "i/N" (0-based). kInvalidArgument naming --shard when malformed or out of range.
Result<Shard> parse_shard(const std::string& text);

// The shard of a Slurm job array task: SLURM_ARRAY_TASK_ID less SLURM_ARRAY_TASK_MIN (0 when
// unset), of SLURM_ARRAY_TASK_COUNT; nullopt outside a job array. kInvalidArgument when the
// variables are inconsistent.
Result<std::optional<Shard>> shard_from_slurm_environment();

// The shard a study belongs to: its key (hex) read as a number, modulo the count.
int shard_of(const std::string& key_hex, int count);

}  // namespace dynamus::batch
