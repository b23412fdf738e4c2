// Writing a file so that readers see either the old file or the complete new one, never a part:
// the content goes to a temporary file in the same folder, which is then renamed over the target.
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>

#include "dynamus/core/status.h"

namespace dynamus {

// Calls `write` with a fresh, empty temporary file in path's folder, named
// ".<stem>.tmp-<pid>-<counter><extension>" (it keeps path's extension, since some writers, such as
// FFmpeg's, choose the format from it), then renames the temporary over `path`.
// When the folder is missing (kNotFound), the temporary cannot be created or renamed (kUnreadable,
// an I/O failure) or `write` returns an error (that error), the temporary is removed and an
// existing file at `path` is left as it was; a path without a file name is kInvalidArgument.
// `write` reports failure as a Status and must not throw. Errors carry `path` as their context.
Status write_file_atomically(
    const std::filesystem::path& path,
    const std::function<Status(const std::filesystem::path& temporary)>& write);

// write_file_atomically for text: `text` is the whole new content of `path`.
Status write_text_file_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace dynamus
