#include "review_controller.h"

#include "dynamus/review/review_file.h"

namespace dynamus::view {

std::string ReviewController::begin(const std::string& reviewer, const review::Reviewed& reviewed,
                                    std::vector<review::Finding> findings,
                                    const std::filesystem::path& dir) {
  std::string note;
  if (dir.empty()) {
    review_ = std::make_shared<review::Review>(reviewer, reviewed, std::move(findings));
  } else {
    review::OpenedReview opened = review::open_review(dir, reviewer, reviewed, std::move(findings));
    review_ = std::make_shared<review::Review>(std::move(opened.review));
    note = std::move(opened.note);
    dir_ = opened.can_save ? dir : std::filesystem::path();
  }
  selected_ = review_->findings().empty() ? std::nullopt : std::optional<std::size_t>(0);
  emit changed();
  return note;
}

std::filesystem::path ReviewController::file() const {
  return dir_.empty() || !review_ ? std::filesystem::path()
                                  : review::review_path(dir_, review_->reviewer());
}

void ReviewController::select(std::optional<std::size_t> finding) {
  if (!review_ || (finding && *finding >= review_->findings().size())) return;
  selected_ = finding;
  emit changed();
}

void ReviewController::select_next(int step) {
  if (!review_ || review_->findings().empty()) return;
  const int count = int(review_->findings().size());
  const int from = selected_ ? int(*selected_) : (step > 0 ? -1 : 0);
  select(std::size_t(((from + step) % count + count) % count));
}

void ReviewController::decide(review::Decision decision) {
  if (!review_ || !selected_) return;
  if (review_->decide(*selected_, decision).ok()) save();
}

void ReviewController::set_comment(const std::string& comment) {
  if (!review_ || !selected_) return;
  if (review_->set_comment(*selected_, comment).ok()) save();
}

void ReviewController::correct(int frame, const review::HandleRef& handle, review::PointMm to_mm) {
  if (!review_) return;
  const Status status = review_->correct(handle.finding, frame, handle.handle, handle.index, to_mm);
  if (status.ok()) {
    save();
  } else {
    emit message(QString::fromStdString(status.message()));
  }
}

void ReviewController::undo() {
  if (!review_) return;
  if (review_->undo_correction()) {
    save();
  } else {
    emit message("nothing to undo");
  }
}

std::shared_ptr<const review::Review> ReviewController::preview(int frame,
                                                                const review::HandleRef& handle,
                                                                review::PointMm to_mm) const {
  auto moved = std::make_shared<review::Review>(*review_);
  (void)moved->correct(handle.finding, frame, handle.handle, handle.index, to_mm);
  return moved;
}

void ReviewController::save() {
  if (!dir_.empty()) {
    const Status status = review::save_review(*review_, dir_);
    emit message(status.ok() ? QString::fromStdString("saved " + file().filename().string())
                             : QString::fromStdString("review not saved: " + status.to_string()));
  }
  emit changed();
}

}  // namespace dynamus::view
