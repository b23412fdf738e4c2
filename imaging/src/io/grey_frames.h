// Conversion of decoded OpenCV images to the loop's 8-bit grey frames. Colour becomes BT.601
// luma (0.299 R + 0.587 G + 0.114 B), the same weights DICOM's YBR_FULL uses for Y.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "dynamus/core/status.h"

namespace dynamus::imaging::io {

enum class ChannelOrder { kBgr, kRgb };

// Appends `image` as one grey 8-bit frame to `pixels`. Accepts 1, 3 or 4 channels of 8 or 16 bits
// (16-bit values are scaled by 255/65535); anything else is kUnsupported.
Status append_grey_frame(const cv::Mat& image, ChannelOrder order,
                         std::vector<std::uint8_t>& pixels);

// Maps single-channel data of any depth (e.g. 16-bit signed, float) linearly from its [min, max]
// over the whole loop to 0..255 and appends it; `stacked` holds all frames one under the other.
// Returns the warning that says so, for the loop's warnings.
Result<std::string> append_rescaled_grey(const cv::Mat& stacked, std::vector<std::uint8_t>& pixels);

}  // namespace dynamus::imaging::io
