// The process exit codes of every dynamus program (docs/cli.md, DESIGN.md) and the mapping of
// status codes to them, so that the CLI and the viewer report failures alike.
#pragma once

#include "dynamus/core/status.h"

namespace dynamus {

enum ExitCode : int {
  kExitOk = 0,
  kExitSomeInputsFailed = 1,
  kExitUsage = 2,
  kExitUnreadableInput = 3,
  kExitInvalidData = 4,
  kExitInternal = 5,
  kExitCancelled = 6,  // the user stopped a running analysis
};

int exit_code_for(StatusCode code);

}  // namespace dynamus
