// The review window: the loop with its overlay in a VTK view (zoom and pan with the image
// interactor style), cine controls below it, the layer toggles and the findings beside it, and
// the analysis' progress (with Cancel) in the status bar. The reviewer selects a finding, decides
// on it, comments, and drags its caliper ends and region vertices; every change is saved at once.
// It shows and forwards; the libraries analyse, measure and say what to draw.
#pragma once

#include <vtkNew.h>

#include <QEvent>
#include <QMainWindow>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "analysis_task.h"
#include "dynamus/imaging/cine_loop.h"
#include "dynamus/review/review_overlay.h"
#include "dynamus/review/stored_result.h"

class QLabel;
class QListWidget;
class QMouseEvent;
class QProgressBar;
class QPushButton;
class QComboBox;
class QVTKOpenGLNativeWidget;
class vtkGenericOpenGLRenderWindow;

namespace dynamus::view {

class CineController;
class CineSlider;
class ReviewController;
class Scene;
class TimelineChart;

struct WindowOptions {
  // The analysis folder: read when `stored` is given, else written once the analysis is done.
  // Empty: nothing is written (the review stays in memory).
  std::filesystem::path analysis_dir;
  std::optional<review::StoredResult> stored;  // the folder's result.json, checked against the loop
  std::string reviewer = "anonymous";
  // How a loop without a stored result is analysed (--tracker, --detector, --step).
  segmentation::AnalysisParams params = {};
  // --anonymize: exports refuse a loop without a calibrated region (frame_export.h).
  bool anonymize = false;
};

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // Starts analysing the loop at once; frames can be browsed meanwhile.
  explicit MainWindow(imaging::CineLoop loop, WindowOptions options = {},
                      QWidget* parent = nullptr);
  ~MainWindow() override;

  CineController& cine() { return *cine_; }
  Scene& scene() { return *scene_; }
  ReviewController& review() { return *review_; }
  QVTKOpenGLNativeWidget* view() { return vtk_widget_; }
  vtkGenericOpenGLRenderWindow* render_window() { return render_window_; }
  TimelineChart* chart() { return chart_; }
  bool analysis_done() const { return analysis_done_; }
  QString status_text() const;

  // Where an image point (mm) is in the view widget's coordinates, and back.
  QPoint to_widget(const review::PointMm& at_mm);
  review::PointMm to_image(const QPoint& widget_px);

  // The view as drawn, frames [first, last] (inclusive), to a PNG (one frame) or an MP4; the
  // status bar says where it went or why not. Ctrl+E and Ctrl+Shift+E ask for the file first.
  bool export_to(const std::filesystem::path& path, int first, int last);

 signals:
  void analysis_finished(bool ok);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void build_controls(QWidget* central);
  QWidget* build_side_panel();
  void build_status_bar();
  void add_actions();
  void on_analysis(const AnalysisTask::Outcome& outcome);
  void begin_review(std::shared_ptr<const segmentation::Analysis> analysis);
  void show_frame(int frame);
  void show_cine_state();
  void refresh_findings();
  void ask_comment();
  void ask_export(bool loop_range);
  void say(const QString& message);
  bool on_mouse(QEvent::Type type, QMouseEvent* event);
  void render();

  vtkNew<vtkGenericOpenGLRenderWindow> render_window_;
  QVTKOpenGLNativeWidget* vtk_widget_ = nullptr;
  TimelineChart* chart_ = nullptr;
  std::unique_ptr<Scene> scene_;
  WindowOptions options_;
  segmentation::AnalysisParams params_;
  CineController* cine_ = nullptr;
  AnalysisTask* analysis_ = nullptr;
  ReviewController* review_ = nullptr;
  bool analysis_done_ = false;
  std::string help_text_;

  struct Drag {
    int frame;  // the correction's frame, even if a key steps the cine meanwhile
    review::HandleRef handle;
    review::PointMm pressed_mm;
    review::PointMm to_mm;
  };
  std::optional<Drag> drag_;

  QPushButton* play_button_ = nullptr;
  CineSlider* slider_ = nullptr;
  QComboBox* speed_box_ = nullptr;
  QLabel* frame_label_ = nullptr;
  QLabel* range_label_ = nullptr;
  QListWidget* findings_ = nullptr;
  QLabel* status_label_ = nullptr;
  QLabel* warning_label_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_button_ = nullptr;
};

}  // namespace dynamus::view
