#include "input_hash.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "dynamus/batch/batch.h"
#include "dynamus/core/sha256.h"

namespace dynamus::batch {
namespace fs = std::filesystem;

Result<std::string> input_sha256(const fs::path& path) {
  std::error_code error;
  if (!fs::is_directory(path, error)) return sha256_file(path);
  std::vector<fs::path> files;
  for (fs::directory_iterator it(path, error), end; !error && it != end; it.increment(error)) {
    if (!it->path().filename().string().starts_with('.') && it->is_regular_file(error))
      files.push_back(it->path());
  }
  if (error) {
    return Status(StatusCode::kUnreadable, fmt::format("cannot list folder: {}", error.message()),
                  path.string());
  }
  std::sort(files.begin(), files.end());
  std::string listing;
  for (const fs::path& file : files) {
    DYNAMUS_ASSIGN_OR_RETURN(const std::string hash, sha256_file(file));
    listing += file.filename().string() + ' ' + hash + '\n';
  }
  return sha256_hex(listing);
}

std::vector<Result<std::string>> hash_inputs(const std::vector<fs::path>& paths, int threads) {
  std::vector<std::optional<Result<std::string>>> hashes(paths.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < paths.size(); i = next++) hashes[i] = input_sha256(paths[i]);
  };
  std::vector<std::thread> pool;
  const int count = std::clamp(int(paths.size()), 1, std::max(threads, 1));
  for (int t = 1; t < count; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  std::vector<Result<std::string>> results;
  results.reserve(paths.size());
  for (std::optional<Result<std::string>>& hash : hashes) results.push_back(std::move(*hash));
  return results;
}

}  // namespace dynamus::batch
