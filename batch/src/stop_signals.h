// SIGINT and SIGTERM as a request to stop, for the duration of a batch: the handler only records
// the signal, the batch loop sees it, ends its workers and writes what it has.
#pragma once

#include <csignal>

namespace dynamus::batch {

class StopSignals {
 public:
  // Installs the handlers (and clears an earlier request); the previous ones come back after.
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// The signal that asked to stop, or 0.
int stop_signal();

}  // namespace dynamus::batch
