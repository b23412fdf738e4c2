// Still images (PNG, JPEG, TIFF incl. multi-page, BMP) and folders of them as a sequence.
#include <fmt/format.h>

#include <algorithm>
#include <opencv2/imgcodecs.hpp>

#include "dynamus/core/sha256.h"
#include "dynamus/imaging/load.h"
#include "io/decoded_cine.h"
#include "io/grey_frames.h"

namespace dynamus::imaging::io {
namespace {

// "frame2.png" before "frame10.png": digit runs compare by value, the rest by character.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      const std::size_t i_end = a.find_first_not_of("0123456789", i);
      const std::size_t j_end = b.find_first_not_of("0123456789", j);
      std::string x = a.substr(i, i_end - i), y = b.substr(j, j_end - j);
      x.erase(0, std::min(x.find_first_not_of('0'), x.size()));
      y.erase(0, std::min(y.find_first_not_of('0'), y.size()));
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end == std::string::npos ? a.size() : i_end;
      j = j_end == std::string::npos ? b.size() : j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// The image files of a folder (by content, so sidecars and notes are skipped), naturally sorted.
Result<std::vector<std::filesystem::path>> list_images(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> images;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (!entry.is_regular_file()) continue;
    Result<InputFormat> format = detect_format(entry.path());
    if (format.ok() && *format == InputFormat::kImage) images.push_back(entry.path());
  }
  if (error) return Status(StatusCode::kUnreadable, "cannot list the folder: " + error.message());
  if (images.empty()) {
    return Status(StatusCode::kUnsupported, "the folder holds no PNG, JPEG, TIFF or BMP image");
  }
  std::sort(images.begin(), images.end(), [](const auto& a, const auto& b) {
    return natural_less(a.filename().string(), b.filename().string());
  });
  return images;
}

Status append_pages(const std::filesystem::path& file, std::uint64_t max_memory_bytes,
                    DecodedCine& cine) {
  std::vector<cv::Mat> pages;
  if (!cv::imreadmulti(file.string(), pages, cv::IMREAD_UNCHANGED) || pages.empty()) {
    return Status(StatusCode::kInvalidData, "the image cannot be decoded", file.string());
  }
  for (const cv::Mat& page : pages) {
    if (cine.frame_count == 0) {
      cine.width_px = page.cols;
      cine.height_px = page.rows;
    } else if (page.cols != cine.width_px || page.rows != cine.height_px) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("image is {}x{}, the first frame is {}x{}", page.cols, page.rows,
                                cine.width_px, cine.height_px),
                    file.string());
    }
    DYNAMUS_RETURN_IF_ERROR(check_declared_size(std::uint64_t(page.cols), std::uint64_t(page.rows),
                                                std::uint64_t(cine.frame_count) + 1, 1, 1,
                                                max_memory_bytes));
    Status appended = append_grey_frame(page, ChannelOrder::kBgr, cine.pixels);
    if (!appended.ok()) return appended.with_context(file.string());
    ++cine.frame_count;
  }
  return ok_status();
}

}  // namespace

Result<DecodedCine> read_images(const std::filesystem::path& path, std::uint64_t max_memory_bytes) {
  try {
    DecodedCine cine;
    if (!std::filesystem::is_directory(path)) {
      DYNAMUS_RETURN_IF_ERROR(append_pages(path, max_memory_bytes, cine));
      cine.source.format = "image";
      return cine;
    }
    DYNAMUS_ASSIGN_OR_RETURN(const std::vector<std::filesystem::path> files, list_images(path));
    std::string file_hashes;
    for (const std::filesystem::path& file : files) {
      DYNAMUS_RETURN_IF_ERROR(append_pages(file, max_memory_bytes, cine));
      DYNAMUS_ASSIGN_OR_RETURN(const std::string hash, sha256_file(file));
      file_hashes += file.filename().string() + ' ' + hash + '\n';
    }
    cine.source.format = "image-sequence";
    cine.source.sha256 = sha256_hex(file_hashes);
    return cine;
  } catch (const cv::Exception& error) {
    return Status(StatusCode::kInvalidData, fmt::format("image decoding failed: {}", error.msg));
  }
}

}  // namespace dynamus::imaging::io
