// `dynamus-view FOLDER`: the folder's studies in a list beside the review window, ranked by tear
// score, with each one's findings and review state; PageDown / PageUp open the next / previous
// study in the review window. Studies not analysed yet are analysed one after another in the
// background (the same analyze() and analysis folder as everywhere, with progress and Cancel),
// and their scores fill in and re-rank the list as they finish.
#pragma once

#include <QMainWindow>
#include <optional>
#include <string>
#include <vector>

#include "analysis_task.h"
#include "dynamus/imaging/load.h"
#include "study_list.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace dynamus::view {

class MainWindow;

class StudyBrowser : public QMainWindow {
  Q_OBJECT

 public:
  // `params`: how studies without a stored result are analysed (--tracker, --detector, --step);
  // `anonymize`: each study window's WindowOptions::anonymize.
  StudyBrowser(std::vector<Study> studies, std::string reviewer,
               imaging::LoadOptions load_options = {}, segmentation::AnalysisParams params = {},
               bool anonymize = false, QWidget* parent = nullptr);
  ~StudyBrowser() override;

  const std::vector<Study>& studies() const { return studies_; }
  int current() const { return current_; }  // index into studies()
  // The open study's review window; nullptr when it could not be opened (the reason is shown).
  MainWindow* study_window() { return window_; }
  QListWidget* list() { return list_; }
  // From the first background analysis until none is left (or Cancel).
  bool background_running() const { return !background_path_.empty(); }
  QString status_text() const;

 public slots:
  void open(int index);
  void step(int delta);  // next (+1) or previous (-1) study, clamped to the list

 signals:
  void study_opened(int index);
  void background_done();  // nothing left to analyse in the background (or cancelled)

 private:
  void refresh_study(const std::string& path);
  void show_list();
  void analyse_next();
  void on_background(const AnalysisTask::Outcome& outcome);
  int index_of(const std::string& path) const;

  std::vector<Study> studies_;
  std::string reviewer_;
  imaging::LoadOptions load_options_;
  segmentation::AnalysisParams params_;
  bool anonymize_;
  int current_ = -1;
  std::string current_path_;
  MainWindow* window_ = nullptr;
  QWidget* placeholder_ = nullptr;
  QVBoxLayout* study_area_ = nullptr;
  QListWidget* list_ = nullptr;

  AnalysisTask background_;
  std::optional<imaging::CineLoop> background_loop_;
  std::string background_path_;
  bool background_cancelled_ = false;
  QLabel* status_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
};

}  // namespace dynamus::view
