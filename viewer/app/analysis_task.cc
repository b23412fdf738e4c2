#include "analysis_task.h"

#include <QtConcurrent/QtConcurrentRun>

namespace dynamus::view {

AnalysisTask::AnalysisTask(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this,
          [this] { emit finished(watcher_.result()); });
}

void AnalysisTask::start(const imaging::CineLoop& loop) {
  if (running()) return;
  // QFuture needs a default-constructible value, Result has none: hence the shared_ptr.
  watcher_.setFuture(QtConcurrent::run([loop]() -> Outcome {
    return std::make_shared<const Result<segmentation::Analysis>>(segmentation::analyze(loop));
  }));
}

}  // namespace dynamus::view
