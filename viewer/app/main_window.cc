#include "main_window.h"

#include <QVTKOpenGLNativeWidget.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkInteractorStyleImage.h>
#include <vtkRenderWindowInteractor.h>

#include <QAction>
#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QStatusBar>
#include <QVBoxLayout>
#include <filesystem>

#include "cine_controller.h"
#include "dynamus/overlay/overlay.h"
#include "scene.h"

namespace dynamus::view {
namespace {

constexpr int kSwatchIconPx = 12;

QPixmap swatch(const overlay::Rgba& colour) {
  QPixmap pixmap(kSwatchIconPx, kSwatchIconPx);
  pixmap.fill(QColor(colour.r, colour.g, colour.b));
  return pixmap;
}

}  // namespace

MainWindow::MainWindow(imaging::CineLoop loop, QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(QString::fromStdString(
      "dynamus-view: " + std::filesystem::path(loop.source().path).filename().string()));
  auto* central = new QWidget(this);
  vtk_widget_ = new QVTKOpenGLNativeWidget(central);
  vtk_widget_->setRenderWindow(render_window_);
  vtk_widget_->installEventFilter(this);
  vtkNew<vtkInteractorStyleImage> style;
  render_window_->GetInteractor()->SetInteractorStyle(style);

  const double fps = loop.fps().value_or(0.0);
  const int frame_count = loop.frame_count();
  scene_ = std::make_unique<Scene>(render_window_, std::move(loop));
  cine_ = new CineController(frame_count, fps, this);
  analysis_ = new AnalysisTask(this);

  build_controls(central);
  setCentralWidget(central);
  add_actions();

  status_label_ = new QLabel(this);
  busy_ = new QProgressBar(this);
  busy_->setRange(0, 0);  // busy: analyze() reports no progress yet
  busy_->setMaximumWidth(160);
  statusBar()->addWidget(status_label_, 1);
  statusBar()->addPermanentWidget(busy_);

  connect(cine_, &CineController::frame_changed, this, &MainWindow::show_frame);
  connect(analysis_, &AnalysisTask::finished, this, &MainWindow::on_analysis);
  status_label_->setText("analysing the loop…");
  scene_->set_note("analysing…");
  scene_->show_frame(0);
  analysis_->start(scene_->loop());
}

MainWindow::~MainWindow() = default;

void MainWindow::build_controls(QWidget* central) {
  play_button_ = new QPushButton("Play", central);
  play_button_->setFocusPolicy(Qt::NoFocus);  // Space belongs to the play/pause action
  slider_ = new QSlider(Qt::Horizontal, central);
  slider_->setRange(0, cine_->frame_count() - 1);
  slider_->setFocusPolicy(Qt::NoFocus);
  frame_label_ = new QLabel(central);
  frame_label_->setMinimumWidth(360);

  auto* controls = new QHBoxLayout;
  controls->addWidget(play_button_);
  controls->addWidget(slider_, 1);
  controls->addWidget(frame_label_);

  auto* view_and_layers = new QHBoxLayout;
  view_and_layers->addWidget(vtk_widget_, 1);
  view_and_layers->addWidget(build_layer_panel());

  auto* layout = new QVBoxLayout(central);
  layout->addLayout(view_and_layers, 1);
  layout->addLayout(controls);

  connect(play_button_, &QPushButton::clicked, cine_, &CineController::toggle_play);
  connect(slider_, &QSlider::valueChanged, cine_, &CineController::set_frame);
  connect(cine_, &CineController::playing_changed, this,
          [this](bool playing) { play_button_->setText(playing ? "Pause" : "Play"); });
}

QWidget* MainWindow::build_layer_panel() {
  auto* panel = new QWidget(this);
  auto* layout = new QVBoxLayout(panel);
  layout->addWidget(new QLabel("<b>Layers</b>", panel));
  const overlay::LayerSet shown = scene_->layers();
  for (const overlay::LegendEntry& entry : overlay::legend()) {
    auto* box = new QCheckBox(QString::fromStdString(entry.name), panel);
    box->setIcon(QIcon(swatch(entry.colour)));
    box->setChecked(shown[entry.layer]);
    box->setFocusPolicy(Qt::NoFocus);
    connect(box, &QCheckBox::toggled, this, [this, layer = entry.layer](bool on) {
      overlay::LayerSet layers = scene_->layers();
      layers.shown[std::size_t(layer)] = on;
      scene_->set_layers(layers);
      render();
    });
    layout->addWidget(box);
  }
  layout->addStretch(1);
  return panel;
}

void MainWindow::add_actions() {
  auto add = [this](const QString& name, const QKeySequence& key, auto slot) {
    auto* action = new QAction(name, this);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WindowShortcut);
    connect(action, &QAction::triggered, this, slot);
    addAction(action);
  };
  add("Play/pause", Qt::Key_Space, [this] { cine_->toggle_play(); });
  add("Previous frame", Qt::Key_Left, [this] {
    cine_->pause();
    cine_->step(-1);
  });
  add("Next frame", Qt::Key_Right, [this] {
    cine_->pause();
    cine_->step(1);
  });
}

void MainWindow::on_analysis(const AnalysisTask::Outcome& outcome) {
  busy_->hide();
  analysis_done_ = true;
  if (outcome->ok()) {
    scene_->set_note("");
    scene_->set_analysis(std::make_shared<const segmentation::Analysis>(outcome->value()));
    status_label_->setText("analysis done");
  } else {
    const std::string reason = outcome->status().message();
    scene_->set_note("analysis failed: " + reason);
    status_label_->setText(QString::fromStdString("analysis failed: " + reason));
  }
  show_frame(cine_->frame());
  emit analysis_finished(outcome->ok());
}

void MainWindow::show_frame(int frame) {
  scene_->show_frame(frame);
  slider_->blockSignals(true);
  slider_->setValue(frame);
  slider_->blockSignals(false);
  frame_label_->setText(QString::fromStdString(scene_->caption().front()));
  render();
}

void MainWindow::render() { render_window_->Render(); }

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
  if (watched == vtk_widget_ && event->type() == QEvent::Resize) {
    const qreal ratio = vtk_widget_->devicePixelRatioF();
    scene_->fit(int(vtk_widget_->width() * ratio), int(vtk_widget_->height() * ratio));
    render();
  }
  return QMainWindow::eventFilter(watched, event);
}

}  // namespace dynamus::view
