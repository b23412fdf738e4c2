// The review window: the loop with its overlay in a VTK view (zoom and pan with the image
// interactor style), cine controls below it, the layer toggles beside it and the analysis'
// progress in the status bar. It shows; the libraries analyse and say what to draw.
#pragma once

#include <vtkNew.h>

#include <QMainWindow>
#include <memory>

#include "analysis_task.h"
#include "dynamus/imaging/cine_loop.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QVTKOpenGLNativeWidget;
class vtkGenericOpenGLRenderWindow;

namespace dynamus::view {

class CineController;
class Scene;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  // Starts analysing the loop at once; frames can be browsed meanwhile.
  explicit MainWindow(imaging::CineLoop loop, QWidget* parent = nullptr);
  ~MainWindow() override;

  CineController& cine() { return *cine_; }
  Scene& scene() { return *scene_; }
  bool analysis_done() const { return analysis_done_; }

 signals:
  void analysis_finished(bool ok);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void build_controls(QWidget* central);
  QWidget* build_layer_panel();
  void add_actions();
  void on_analysis(const AnalysisTask::Outcome& outcome);
  void show_frame(int frame);
  void render();

  vtkNew<vtkGenericOpenGLRenderWindow> render_window_;
  QVTKOpenGLNativeWidget* vtk_widget_ = nullptr;
  std::unique_ptr<Scene> scene_;
  CineController* cine_ = nullptr;
  AnalysisTask* analysis_ = nullptr;
  bool analysis_done_ = false;

  QPushButton* play_button_ = nullptr;
  QSlider* slider_ = nullptr;
  QLabel* frame_label_ = nullptr;
  QLabel* status_label_ = nullptr;
  QProgressBar* busy_ = nullptr;
};

}  // namespace dynamus::view
