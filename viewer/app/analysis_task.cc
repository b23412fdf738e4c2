#include "analysis_task.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>
#include <string>

namespace dynamus::view {

AnalysisTask::AnalysisTask(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this,
          [this] { emit finished(watcher_.result()); });
}

AnalysisTask::~AnalysisTask() {
  cancel();
  watcher_.waitForFinished();
}

void AnalysisTask::start(const imaging::CineLoop& loop,
                         const segmentation::AnalysisParams& params) {
  if (running()) return;
  cancel_->store(false);
  // Called on the worker, posted to the GUI thread. The destructor waits for the worker, and Qt
  // drops events posted to a destroyed object, so `this` is never used after its end.
  Progress report = [this, cancel = cancel_](double fraction, std::string_view stage) {
    QMetaObject::invokeMethod(
        this,
        [this, fraction, text = QString::fromUtf8(stage.data(), int(stage.size()))] {
          emit progress(fraction, text);
        },
        Qt::QueuedConnection);
    return !cancel->load();
  };
  // QFuture needs a default-constructible value, Result has none: hence the shared_ptr.
  watcher_.setFuture(QtConcurrent::run([loop, params, report]() -> Outcome {
    return std::make_shared<const Result<segmentation::Analysis>>(
        segmentation::analyze(loop, params, report));
  }));
}

}  // namespace dynamus::view
