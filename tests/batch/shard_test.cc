// Shards: parsing, Slurm's job array variables, and a deterministic split that covers each key
// once.
#include "dynamus/batch/shard.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "dynamus/core/sha256.h"

namespace dynamus::batch {
namespace {

TEST(Shard, ParsesZeroBasedIndexOfCountAndRefusesTheRest) {
  const Result<Shard> shard = parse_shard("1/3");
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard->index, 1);
  EXPECT_EQ(shard->count, 3);
  EXPECT_EQ(shard->to_string(), "1/3");
  for (const char* bad : {"3/3", "-1/2", "1/0", "1", "a/b", "1/2/3", ""})
    EXPECT_EQ(parse_shard(bad).status().code(), StatusCode::kInvalidArgument) << bad;
}

TEST(Shard, ReadsSlurmJobArrayVariablesRelativeToTheArraysFirstTask) {
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("SLURM_ARRAY_TASK_COUNT");
  ::unsetenv("SLURM_ARRAY_TASK_MIN");
  EXPECT_FALSE(shard_from_slurm_environment().value().has_value());
  ::setenv("SLURM_ARRAY_TASK_ID", "3", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
  ::setenv("SLURM_ARRAY_TASK_MIN", "1", 1);  // --array=1-4
  const std::optional<Shard> shard = shard_from_slurm_environment().value();
  ASSERT_TRUE(shard.has_value());
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 4);
  ::setenv("SLURM_ARRAY_TASK_ID", "9", 1);
  EXPECT_EQ(shard_from_slurm_environment().status().code(), StatusCode::kInvalidArgument);
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("SLURM_ARRAY_TASK_COUNT");
  ::unsetenv("SLURM_ARRAY_TASK_MIN");
}

TEST(Shard, SplitsKeysDeterministicallyAndEvenly) {
  constexpr int kKeys = 1000;
  int in_first = 0;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = sha256_hex(std::to_string(i)).substr(0, 16);
    const int shard = shard_of(key, 2);
    ASSERT_TRUE(shard == 0 || shard == 1);
    EXPECT_EQ(shard_of(key, 2), shard);
    EXPECT_EQ(shard_of(key, 1), 0);
    in_first += shard == 0;
  }
  // A fair split of 1000 keys: 500 +- 5 standard deviations (16).
  EXPECT_NEAR(in_first, kKeys / 2, 80);
}

}  // namespace
}  // namespace dynamus::batch
