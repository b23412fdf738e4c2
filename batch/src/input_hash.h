// Hashing a batch's inputs on several threads: for a large archive the first run reads every
// byte once, and that should use the disks and cores the workers will use.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus::batch {

// input_sha256() of each path, in order, on up to `threads` threads.
std::vector<Result<std::string>> hash_inputs(const std::vector<std::filesystem::path>& paths,
                                             int threads);

}  // namespace dynamus::batch
