#include "study_browser.h"

#include <fmt/format.h>

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

#include "dynamus/reporting/analysis_folder.h"
#include "main_window.h"
#include "review_controller.h"

namespace dynamus::view {
namespace {

constexpr int kListWidthPx = 300;

std::string file_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

StudyBrowser::StudyBrowser(std::vector<Study> studies, std::string reviewer,
                           imaging::LoadOptions load_options, segmentation::AnalysisParams params,
                           bool anonymize, QWidget* parent)
    : QMainWindow(parent),
      studies_(std::move(studies)),
      reviewer_(std::move(reviewer)),
      load_options_(std::move(load_options)),
      params_(std::move(params)),
      anonymize_(anonymize) {
  setWindowTitle("dynamus-view: studies");
  auto* central = new QWidget(this);
  auto* layout = new QHBoxLayout(central);
  auto* side = new QVBoxLayout;
  side->addWidget(new QLabel("<b>Studies</b> by tear score (PageDown / PageUp)", central));
  list_ = new QListWidget(central);
  list_->setFixedWidth(kListWidthPx);
  list_->setFocusPolicy(Qt::NoFocus);
  list_->setWordWrap(true);
  list_->setSpacing(2);
  side->addWidget(list_, 1);
  layout->addLayout(side);
  study_area_ = new QVBoxLayout;
  layout->addLayout(study_area_, 1);
  setCentralWidget(central);

  status_ = new QLabel(this);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 100);
  progress_->setMaximumWidth(200);
  cancel_ = new QPushButton("Cancel", this);
  cancel_->setFocusPolicy(Qt::NoFocus);
  statusBar()->addWidget(status_, 1);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_);
  progress_->hide();
  cancel_->hide();
  connect(cancel_, &QPushButton::clicked, this, [this] {
    background_cancelled_ = true;
    background_.cancel();
  });
  connect(&background_, &AnalysisTask::progress, this,
          [this](double fraction, const QString& stage) {
            progress_->setValue(int(std::lround(100 * fraction)));
            progress_->setFormat(stage + " %p%");
          });
  connect(&background_, &AnalysisTask::finished, this, &StudyBrowser::on_background);

  auto add_key = [this](QKeySequence key, int delta) {
    auto* action = new QAction(this);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WindowShortcut);
    connect(action, &QAction::triggered, this, [this, delta] { step(delta); });
    addAction(action);
  };
  add_key(Qt::Key_PageDown, 1);
  add_key(Qt::Key_PageUp, -1);
  connect(list_, &QListWidget::itemClicked, this,
          [this](QListWidgetItem* item) { open(list_->row(item)); });

  show_list();
  open(0);
  analyse_next();
}

StudyBrowser::~StudyBrowser() {
  background_cancelled_ = true;
  background_.cancel();
}

QString StudyBrowser::status_text() const { return status_->text(); }

int StudyBrowser::index_of(const std::string& path) const {
  for (std::size_t i = 0; i < studies_.size(); ++i)
    if (studies_[i].row.path == path) return int(i);
  return -1;
}

void StudyBrowser::step(int delta) {
  open(std::clamp(current_ + delta, 0, int(studies_.size()) - 1));
}

void StudyBrowser::open(int index) {
  if (index < 0 || index >= int(studies_.size()) || index == current_) return;
  delete window_;
  window_ = nullptr;
  delete placeholder_;
  placeholder_ = nullptr;
  current_ = index;
  const Study& study = studies_[std::size_t(index)];
  current_path_ = study.row.path;
  auto loaded = load_study(study.row.path, study.analysis_dir, load_options_);
  if (loaded.ok()) {
    WindowOptions options{study.analysis_dir, std::move(loaded->stored), reviewer_, params_,
                          anonymize_};
    window_ = new MainWindow(std::move(loaded->loop), std::move(options));
    window_->setWindowFlags(Qt::Widget);  // inside the browser, not a window of its own
    study_area_->addWidget(window_);
    const std::string path = study.row.path;
    connect(window_, &MainWindow::analysis_finished, this, [this, path] { refresh_study(path); });
    connect(&window_->review(), &ReviewController::changed, this,
            [this, path] { refresh_study(path); });
    window_->show();
    window_->setFocus();
  } else {
    auto* label = new QLabel(QString::fromStdString("cannot open " + study.row.path + ":\n" +
                                                    loaded.status().to_string()));
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignCenter);
    placeholder_ = label;
    study_area_->addWidget(placeholder_);
  }
  setWindowTitle(QString::fromStdString("dynamus-view: " + file_name(study.row.path) +
                                        fmt::format(" ({} of {})", index + 1, studies_.size())));
  show_list();
  emit study_opened(index);
}

void StudyBrowser::refresh_study(const std::string& path) {
  const int index = index_of(path);
  if (index < 0) return;
  refresh(studies_[std::size_t(index)]);
  studies_ = ranked(std::move(studies_));
  current_ = index_of(current_path_);
  show_list();
}

void StudyBrowser::show_list() {
  list_->blockSignals(true);
  list_->clear();
  for (const Study& study : studies_) list_->addItem(QString::fromStdString(study_line(study)));
  list_->setCurrentRow(current_);
  list_->blockSignals(false);
}

void StudyBrowser::analyse_next() {
  if (background_.running()) return;
  background_path_.clear();
  for (const Study& study : studies_) {
    if (background_cancelled_) break;
    // The open study analyses itself in its window.
    if (study.row.status != batch::StudyStatus::kQueued || study.row.path == current_path_)
      continue;
    auto loop = imaging::load(study.row.path, load_options_);
    background_path_ = study.row.path;
    if (!loop.ok()) {
      Study& failed = studies_[std::size_t(index_of(background_path_))];
      failed.row.status = batch::StudyStatus::kFailed;
      failed.row.error_message = loop.status().to_string();
      show_list();
      return analyse_next();
    }
    background_loop_ = std::move(loop).value();
    progress_->setValue(0);
    progress_->show();
    cancel_->show();
    status_->setText(
        QString::fromStdString("analysing " + file_name(background_path_) + " in the background"));
    background_.start(*background_loop_, params_);
    return;
  }
  progress_->hide();
  cancel_->hide();
  emit background_done();
}

void StudyBrowser::on_background(const AnalysisTask::Outcome& outcome) {
  const std::string path = background_path_;
  const int index = index_of(path);
  if (outcome->ok() && index >= 0) {
    const Study& study = studies_[std::size_t(index)];
    const Status written = reporting::write_analysis_folder(study.analysis_dir, *background_loop_,
                                                            params_, outcome->value());
    status_->setText(QString::fromStdString(
        written.ok()
            ? "analysed " + file_name(path)
            : "cannot write the analysis of " + file_name(path) + ": " + written.to_string()));
    if (!written.ok()) {
      studies_[std::size_t(index)].row.status = batch::StudyStatus::kFailed;
      studies_[std::size_t(index)].row.error_message = written.to_string();
    }
    refresh_study(path);
  } else if (outcome->status().code() == StatusCode::kCancelled) {
    status_->setText("background analysis cancelled; open a study to analyse it");
  } else if (index >= 0) {
    studies_[std::size_t(index)].row.status = batch::StudyStatus::kFailed;
    studies_[std::size_t(index)].row.error_message = outcome->status().to_string();
    status_->setText(QString::fromStdString("analysis of " + file_name(path) + " failed"));
    show_list();
  }
  background_loop_.reset();
  // Not from within the finished signal: the task counts as running until it has returned.
  QTimer::singleShot(0, this, &StudyBrowser::analyse_next);
}

}  // namespace dynamus::view
