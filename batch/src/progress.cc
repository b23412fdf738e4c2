#include "progress.h"

#include <fmt/format.h>

namespace dynamus::batch {
namespace {

std::string duration_text(double seconds) {
  const long s = long(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

Progress::Progress(std::ostream* out, bool bar, int total) : out_(out), bar_(bar), total_(total) {}

void Progress::finished(const StudyRow& row, int running) {
  row.status == StudyStatus::kDone ? ++done_ : ++failed_;
  if (out_ == nullptr) return;
  if (bar_) {
    if (row.status == StudyStatus::kFailed) {
      *out_ << fmt::format("\r\x1b[Kfailed: {}: {}\n", row.path, row.error_message);
    }
    draw(running);
    return;
  }
  const int finished = done_ + failed_;
  if (row.status == StudyStatus::kDone) {
    const std::string score =
        row.measures.score ? fmt::format("score {:.2f}", *row.measures.score) : "no score";
    *out_ << fmt::format("dynamus batch: [{}/{}] done {} ({}, {:.1f} s)\n", finished, total_,
                         row.path, score, row.seconds);
  } else {
    *out_ << fmt::format("dynamus batch: [{}/{}] failed {}: {}\n", finished, total_, row.path,
                         row.error_message);
  }
  out_->flush();
}

void Progress::tick(int running) {
  if (out_ == nullptr || !bar_) return;
  if (std::chrono::steady_clock::now() - drawn_ < std::chrono::milliseconds(200)) return;
  draw(running);
}

void Progress::draw(int running) {
  constexpr int kWidth = 30;
  const int finished = done_ + failed_;
  const int filled = total_ > 0 ? finished * kWidth / total_ : kWidth;
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::string eta =
      finished > 0 ? duration_text(elapsed_s / finished * (total_ - finished)) : "?";
  *out_ << fmt::format("\r\x1b[K[{}{}] {}/{}  done {}  failed {}  running {}  elapsed {}  ETA {}",
                       std::string(std::size_t(filled), '#'),
                       std::string(std::size_t(kWidth - filled), '.'), finished, total_, done_,
                       failed_, running, duration_text(elapsed_s), eta);
  out_->flush();
  drawn_ = std::chrono::steady_clock::now();
}

void Progress::close() {
  if (out_ != nullptr && bar_) {
    draw(0);
    *out_ << '\n';
  }
}

}  // namespace dynamus::batch
