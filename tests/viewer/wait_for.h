// Running the Qt event loop in a test until something has happened.
#pragma once

#include <QTest>

namespace dynamus::view {

// Runs the event loop until `done` or the deadline; true when done.
template <typename Predicate>
bool wait_for(Predicate done, int timeout_ms) {
  for (int waited_ms = 0; !done() && waited_ms < timeout_ms; waited_ms += 20) QTest::qWait(20);
  return done();
}

}  // namespace dynamus::view
