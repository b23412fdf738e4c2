// segmentation::analyze() on a worker thread, its result delivered on the GUI thread, so the
// window stays responsive (playing, zooming) while the loop is analysed.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <memory>

#include "dynamus/core/status.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/segmentation/analysis.h"

namespace dynamus::view {

class AnalysisTask : public QObject {
  Q_OBJECT

 public:
  using Outcome = std::shared_ptr<const Result<segmentation::Analysis>>;

  explicit AnalysisTask(QObject* parent = nullptr);
  // The loop is copied (its pixels are shared, not duplicated), so the worker never points into
  // the window's state. One run at a time; a second start() while running is ignored.
  void start(const imaging::CineLoop& loop);
  bool running() const { return watcher_.isRunning(); }

 signals:
  // On the GUI thread; exactly one per start().
  void finished(dynamus::view::AnalysisTask::Outcome outcome);

 private:
  QFutureWatcher<Outcome> watcher_;
};

}  // namespace dynamus::view
