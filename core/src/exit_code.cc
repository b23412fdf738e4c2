#include "dynamus/core/exit_code.h"

namespace dynamus {

int exit_code_for(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kNotFound:
    case StatusCode::kUnsupported:
    case StatusCode::kUnreadable:
    case StatusCode::kTooLarge:
      return kExitUnreadableInput;
    case StatusCode::kInvalidData:
      return kExitInvalidData;
    case StatusCode::kInternal:
      return kExitInternal;
    case StatusCode::kCancelled:
      return kExitCancelled;
  }
  return kExitInternal;
}

}  // namespace dynamus
