#include "dynamus/core/status.h"

namespace dynamus {

std::string_view to_string(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kUnsupported:
      return "unsupported";
    case StatusCode::kUnreadable:
      return "unreadable";
    case StatusCode::kTooLarge:
      return "too large";
    case StatusCode::kInvalidData:
      return "invalid data";
    case StatusCode::kInternal:
      return "internal error";
    case StatusCode::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return context_.empty() ? message_ : context_ + ": " + message_;
}

}  // namespace dynamus
