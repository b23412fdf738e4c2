#include "cli_common.h"

#include <iostream>

namespace dynamus::cli {

void report_error(const Status& status) {
  std::cerr << "dynamus: error: " << status.to_string() << '\n';
}

}  // namespace dynamus::cli
