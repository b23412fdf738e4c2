// The review being made in the window: the reviewer's dynamus::review::Review of the analysis'
// findings, the selected finding, and autosave of every change to DIR/review.<reviewer>.json.
// Qt only for its signals; the decisions and measurements are the review library's.
#pragma once

#include <QObject>
#include <QString>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dynamus/review/review.h"
#include "dynamus/review/review_overlay.h"

namespace dynamus::view {

class ReviewController : public QObject {
  Q_OBJECT

 public:
  explicit ReviewController(QObject* parent = nullptr) : QObject(parent) {}

  // Opens the reviewer's review of these findings in `dir` (empty: the review is not saved);
  // selects the first finding. Returns why an earlier review file was not applied, if so.
  std::string begin(const std::string& reviewer, const review::Reviewed& reviewed,
                    std::vector<review::Finding> findings, const std::filesystem::path& dir);
  bool active() const { return review_ != nullptr; }
  // What the scene draws; changes in place as the review does.
  std::shared_ptr<const review::Review> review() const { return review_; }
  std::optional<std::size_t> selected() const { return selected_; }
  // The file autosave writes, empty when the review is not saved.
  std::filesystem::path file() const;

  void select(std::optional<std::size_t> finding);
  void select_next(int step);  // cycles; +1 Tab, -1 Shift+Tab
  void decide(review::Decision decision);
  void set_comment(const std::string& comment);
  void correct(int frame, const review::HandleRef& handle, review::PointMm to_mm);
  void undo();
  // The review with one more correction, for drawing a drag in progress; nothing is saved.
  std::shared_ptr<const review::Review> preview(int frame, const review::HandleRef& handle,
                                                review::PointMm to_mm) const;

 signals:
  void changed();                 // the review or the selection
  void message(QString message);  // for the status bar

 private:
  void save();

  std::shared_ptr<review::Review> review_;
  std::optional<std::size_t> selected_;
  std::filesystem::path dir_;
};

}  // namespace dynamus::view
