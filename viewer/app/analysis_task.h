// segmentation::analyze() on a worker thread, its progress and result delivered on the GUI
// thread, so the window stays responsive (playing, zooming) while the loop is analysed; and a way
// to cancel it.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <atomic>
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
  // Waits for a running analysis (cancelled first): the worker never outlives the task.
  ~AnalysisTask() override;
  // The loop is copied (its pixels are shared, not duplicated), so the worker never points into
  // the window's state. One run at a time; a second start() while running is ignored.
  void start(const imaging::CineLoop& loop, const segmentation::AnalysisParams& params = {});
  bool running() const { return watcher_.isRunning(); }

 public slots:
  // The analysis stops at its next step and finishes with kCancelled.
  void cancel() { cancel_->store(true); }

 signals:
  // On the GUI thread; fraction in [0, 1].
  void progress(double fraction, QString stage);
  // On the GUI thread; exactly one per start().
  void finished(dynamus::view::AnalysisTask::Outcome outcome);

 private:
  QFutureWatcher<Outcome> watcher_;
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace dynamus::view
