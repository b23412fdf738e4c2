// What a batch shows while it runs: on a terminal, one bar redrawn in place with counts and an
// ETA; otherwise (a log file, CI) one plain line per finished study.
#pragma once

#include <chrono>
#include <ostream>

#include "dynamus/batch/ledger.h"

namespace dynamus::batch {

class Progress {
 public:
  // `total`: the studies this run will work on; `out` may be nullptr (silent).
  Progress(std::ostream* out, bool bar, int total);
  void finished(const StudyRow& row, int running);
  // Redraws the bar (at most a few times a second); nothing in line mode.
  void tick(int running);
  // Ends the bar's line.
  void close();

 private:
  void draw(int running);
  std::ostream* out_;
  bool bar_;
  int total_;
  int done_ = 0;
  int failed_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point drawn_{};
};

}  // namespace dynamus::batch
