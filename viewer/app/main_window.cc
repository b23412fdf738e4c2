#include "main_window.h"

#include <QVTKOpenGLNativeWidget.h>
#include <fmt/format.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkInteractorStyleImage.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMouseEvent>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QVBoxLayout>
#include <cmath>

#include "cine_controller.h"
#include "cine_slider.h"
#include "dynamus/overlay/overlay.h"
#include "dynamus/reporting/analysis_folder.h"
#include "dynamus/segmentation/result_json.h"
#include "frame_export.h"
#include "review_controller.h"
#include "scene.h"
#include "timeline_chart.h"
#include "timeline_series.h"

namespace dynamus::view {
namespace {

constexpr int kSwatchIconPx = 12;
// A handle or a finding is picked within this many screen pixels of the mouse.
constexpr double kPickPx = 8.0;
constexpr int kSidePanelWidthPx = 260;
// Tall enough for two axis titles and readable ticks (the legend is a label above); the image
// keeps the rest.
constexpr int kChartHeightPx = 160;

QPixmap swatch(const overlay::Rgba& colour) {
  QPixmap pixmap(kSwatchIconPx, kSwatchIconPx);
  pixmap.fill(QColor(colour.r, colour.g, colour.b));
  return pixmap;
}

std::string finding_text(const review::Finding& f, int frame, const std::string& reviewer) {
  std::string text = f.title + "\n";
  if (const auto mm = f.measurement_mm(frame)) {
    text += fmt::format("{} {:.1f} mm in this frame", f.measure, *mm);
    const auto analysed = f.analysed_measurement_mm(frame);
    if (analysed && std::abs(*analysed - *mm) >= 0.05)
      text += fmt::format(" (was {:.1f})", *analysed);
  } else {
    text += f.measure + " not measured in this frame";
  }
  if (const auto area = f.region_area_mm2(frame)) text += fmt::format("\narea {:.1f} mm²", *area);
  text += "\n" + std::string(review::to_string(f.decision));
  if (f.decision != review::Decision::kPending) text += " by " + reviewer;
  if (!f.corrections.empty()) text += fmt::format(", {} corrections", f.corrections.size());
  if (!f.comment.empty()) text += "\n“" + f.comment + "”";
  return text;
}

std::string speed_text(double speed) { return fmt::format("{:g}×", speed); }

}  // namespace

MainWindow::MainWindow(imaging::CineLoop loop, WindowOptions options, QWidget* parent)
    : QMainWindow(parent), options_(std::move(options)) {
  setWindowTitle(QString::fromStdString(
      "dynamus-view: " + std::filesystem::path(loop.source().path).filename().string()));
  params_ = options_.stored ? options_.stored->params : options_.params;
  auto* central = new QWidget(this);
  vtk_widget_ = new QVTKOpenGLNativeWidget(central);
  vtk_widget_->setRenderWindow(render_window_);
  vtk_widget_->installEventFilter(this);
  vtkNew<vtkInteractorStyleImage> style;
  render_window_->GetInteractor()->SetInteractorStyle(style);

  cine_ = new CineController(loop.frame_count(), loop.timing().timestamps_s, this);
  scene_ = std::make_unique<Scene>(render_window_, std::move(loop));
  analysis_ = new AnalysisTask(this);
  review_ = new ReviewController(this);

  build_controls(central);
  setCentralWidget(central);
  add_actions();
  build_status_bar();

  connect(cine_, &CineController::frame_changed, this, &MainWindow::show_frame);
  connect(analysis_, &AnalysisTask::finished, this, &MainWindow::on_analysis);
  connect(analysis_, &AnalysisTask::progress, this, [this](double fraction, const QString& stage) {
    progress_->setValue(int(std::lround(100 * fraction)));
    progress_->setFormat(stage + " %p%");
  });
  connect(review_, &ReviewController::changed, this, [this] {
    scene_->set_selected(review_->selected());
    refresh_findings();
    render();
  });
  connect(review_, &ReviewController::message, this, &MainWindow::say);
  say("analysing the loop…");
  scene_->set_note("analysing…");
  scene_->set_help(help_text_, false);
  scene_->show_frame(0);
  analysis_->start(scene_->loop(), params_);
}

MainWindow::~MainWindow() = default;

void MainWindow::build_controls(QWidget* central) {
  play_button_ = new QPushButton("Play", central);
  play_button_->setFocusPolicy(Qt::NoFocus);  // Space belongs to the play/pause action
  slider_ = new CineSlider(central);
  slider_->setRange(0, cine_->frame_count() - 1);
  slider_->setFocusPolicy(Qt::NoFocus);
  speed_box_ = new QComboBox(central);
  speed_box_->setFocusPolicy(Qt::NoFocus);
  speed_box_->setToolTip("playback speed ([ slower, ] faster)");
  for (const double speed : CineController::kSpeeds)
    speed_box_->addItem(QString::fromStdString(speed_text(speed)), speed);
  speed_box_->setCurrentIndex(speed_box_->findData(cine_->speed()));
  speed_box_->setObjectName("speed");
  frame_label_ = new QLabel(central);
  frame_label_->setObjectName("frame_time");
  frame_label_->setMinimumWidth(230);
  range_label_ = new QLabel(central);
  range_label_->setObjectName("loop_range");
  range_label_->setMinimumWidth(250);

  auto* controls = new QHBoxLayout;
  controls->addWidget(play_button_);
  controls->addWidget(new QLabel("speed", central));
  controls->addWidget(speed_box_);
  controls->addWidget(slider_, 1);
  controls->addWidget(frame_label_);
  controls->addWidget(range_label_);

  chart_ = new TimelineChart(central);
  chart_->setFixedHeight(kChartHeightPx);
  auto* view_and_chart = new QVBoxLayout;
  view_and_chart->addWidget(vtk_widget_, 1);
  auto* chart_legend = new QLabel(TimelineChart::legend_html(), central);
  chart_legend->setWordWrap(true);  // never widens the window
  view_and_chart->addWidget(chart_legend);
  view_and_chart->addWidget(chart_);
  auto* view_and_panel = new QHBoxLayout;
  view_and_panel->addLayout(view_and_chart, 1);
  view_and_panel->addWidget(build_side_panel());

  auto* layout = new QVBoxLayout(central);
  layout->addLayout(view_and_panel, 1);
  layout->addLayout(controls);

  connect(play_button_, &QPushButton::clicked, cine_, &CineController::toggle_play);
  connect(slider_, &QSlider::valueChanged, cine_, &CineController::set_frame);
  connect(chart_, &TimelineChart::seek_requested, this, [this](int frame) {
    cine_->pause();
    cine_->set_frame(frame);
  });
  connect(cine_, &CineController::playing_changed, this,
          [this](bool playing) { play_button_->setText(playing ? "Pause" : "Play"); });
  connect(speed_box_, QOverload<int>::of(&QComboBox::activated), this,
          [this](int index) { cine_->set_speed(speed_box_->itemData(index).toDouble()); });
  connect(cine_, &CineController::speed_changed, this, &MainWindow::show_cine_state);
  connect(cine_, &CineController::range_changed, this, &MainWindow::show_cine_state);
  show_cine_state();
}

void MainWindow::show_cine_state() {
  speed_box_->setCurrentIndex(speed_box_->findData(cine_->speed()));
  slider_->set_loop_range(cine_->loop_range());
  if (const auto& range = cine_->loop_range()) {
    range_label_->setText(QString::fromStdString(
        fmt::format("<span style='color:#b36b00'>loop {}–{}</span> ({:.2f}–{:.2f} s)", range->first,
                    range->last, cine_->time_s(range->first), cine_->time_s(range->last))));
  } else {
    range_label_->setText("whole loop (I / O: in, out)");
  }
}

QWidget* MainWindow::build_side_panel() {
  auto* panel = new QWidget(this);
  panel->setFixedWidth(kSidePanelWidthPx);
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
  layout->addSpacing(12);
  layout->addWidget(new QLabel("<b>Findings</b>", panel));
  auto* hint = new QLabel("Tab selects; A accept, R reject, U uncertain, C comment", panel);
  hint->setWordWrap(true);
  layout->addWidget(hint);
  findings_ = new QListWidget(panel);
  findings_->setFocusPolicy(Qt::NoFocus);
  findings_->setWordWrap(true);
  findings_->setSpacing(3);
  connect(findings_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (row >= 0 && review_->selected() != std::size_t(row)) review_->select(std::size_t(row));
  });
  layout->addWidget(findings_, 1);
  layout->addWidget(new QLabel("F1 or ? lists every key", panel));
  return panel;
}

void MainWindow::build_status_bar() {
  status_label_ = new QLabel(this);
  warning_label_ = new QLabel(this);
  warning_label_->setStyleSheet("color: #b35900");
  warning_label_->setWordWrap(true);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 100);
  progress_->setMaximumWidth(200);
  cancel_button_ = new QPushButton("Cancel", this);
  cancel_button_->setFocusPolicy(Qt::NoFocus);
  connect(cancel_button_, &QPushButton::clicked, analysis_, &AnalysisTask::cancel);
  statusBar()->addWidget(status_label_, 2);
  statusBar()->addWidget(warning_label_, 3);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancel_button_);
}

void MainWindow::add_actions() {
  auto add = [this](const QString& keys_text, const QString& what, QList<QKeySequence> keys,
                    auto slot) {
    auto* action = new QAction(what, this);
    action->setShortcuts(keys);
    action->setShortcutContext(Qt::WindowShortcut);
    connect(action, &QAction::triggered, this, slot);
    addAction(action);
    help_text_ += fmt::format("{:<18} {}\n", keys_text.toStdString(), what.toStdString());
  };
  add("Space", "play / pause", {Qt::Key_Space}, [this] { cine_->toggle_play(); });
  add("Left / Right", "previous / next frame", {Qt::Key_Left}, [this] {
    cine_->pause();
    cine_->step(-1);
  });
  // (Right shares the line above.)
  auto* next = new QAction("next frame", this);
  next->setShortcut(Qt::Key_Right);
  connect(next, &QAction::triggered, this, [this] {
    cine_->pause();
    cine_->step(1);
  });
  addAction(next);
  add("[ / ]", "slower / faster (0.25× to 2×)", {Qt::Key_BracketLeft, Qt::Key_Minus},
      [this] { cine_->slower(); });
  auto* faster = new QAction("faster", this);
  faster->setShortcuts({QKeySequence(Qt::Key_BracketRight), QKeySequence(Qt::Key_Plus),
                        QKeySequence(Qt::Key_Equal)});
  connect(faster, &QAction::triggered, cine_, &CineController::faster);
  addAction(faster);
  add("I / O", "loop range: in / out point at this frame", {Qt::Key_I},
      [this] { cine_->set_in_point(); });
  auto* out = new QAction("out point", this);
  out->setShortcut(Qt::Key_O);
  connect(out, &QAction::triggered, cine_, &CineController::set_out_point);
  addAction(out);
  add("X", "clear the loop range", {Qt::Key_X}, [this] { cine_->clear_range(); });
  add("Tab / Shift+Tab", "next / previous finding", {Qt::Key_Tab},
      [this] { review_->select_next(1); });
  auto* previous = new QAction("previous finding", this);
  previous->setShortcuts({QKeySequence(Qt::Key_Backtab), QKeySequence("Shift+Tab")});
  connect(previous, &QAction::triggered, this, [this] { review_->select_next(-1); });
  addAction(previous);
  add("A", "accept the finding", {Qt::Key_A},
      [this] { review_->decide(review::Decision::kAccepted); });
  add("R", "reject it", {Qt::Key_R}, [this] { review_->decide(review::Decision::kRejected); });
  add("U", "mark it uncertain", {Qt::Key_U},
      [this] { review_->decide(review::Decision::kUncertain); });
  add("C", "comment on it", {Qt::Key_C}, [this] { ask_comment(); });
  add("Ctrl+E", "export this frame as shown (PNG or MP4)", {QKeySequence("Ctrl+E")},
      [this] { ask_export(false); });
  add("Ctrl+Shift+E", "export the loop range (or the whole loop) as shown (MP4)",
      {QKeySequence("Ctrl+Shift+E")}, [this] { ask_export(true); });
  add("Ctrl+Z", "undo the last correction", {QKeySequence::Undo}, [this] { review_->undo(); });
  add("Home", "reset zoom, pan, window/level", {Qt::Key_Home}, [this] {
    scene_->reset_view();
    render();
  });
  add("F1 or ?", "show / hide this help", {Qt::Key_F1, Qt::Key_Question}, [this] {
    scene_->set_help(help_text_, !scene_->help_shown());
    render();
  });
  help_text_ +=
      "click              select the finding under the mouse\n"
      "drag a square      move a caliper end or a region vertex\n"
      "left drag          window / level (elsewhere)\n"
      "wheel, right drag  zoom\n"
      "middle drag        pan (or Shift + left drag)";
}

void MainWindow::say(const QString& message) { status_label_->setText(message); }

QString MainWindow::status_text() const {
  return status_label_->text() +
         (warning_label_->text().isEmpty() ? "" : " | " + warning_label_->text());
}

void MainWindow::on_analysis(const AnalysisTask::Outcome& outcome) {
  progress_->hide();
  cancel_button_->hide();
  analysis_done_ = true;
  if (outcome->ok()) {
    scene_->set_note("");
    auto analysis = std::make_shared<const segmentation::Analysis>(outcome->value());
    scene_->set_analysis(analysis);
    chart_->set_series(timeline_series(scene_->loop(), *analysis));
    say("analysis done");
    begin_review(std::move(analysis));
  } else if (outcome->status().code() == StatusCode::kCancelled) {
    scene_->set_note("analysis cancelled: the frames only, no overlay; nothing written");
    say("analysis cancelled");
  } else {
    const std::string reason = outcome->status().message();
    scene_->set_note("analysis failed: " + reason);
    say(QString::fromStdString("analysis failed: " + reason));
  }
  show_frame(cine_->frame());
  emit analysis_finished(outcome->ok());
}

void MainWindow::begin_review(std::shared_ptr<const segmentation::Analysis> analysis) {
  const imaging::CineLoop& loop = scene_->loop();
  review::Reviewed reviewed{"", loop.source().path, loop.source().sha256};
  std::filesystem::path dir = options_.analysis_dir;
  std::vector<std::string> warnings;
  if (options_.stored) {
    // The fresh analysis should be the stored one (deterministic): say so when it is not.
    reviewed = options_.stored->reviewed();
    const auto fresh = segmentation::result_json(loop, params_, *analysis);
    for (const std::string& line : review::differences(options_.stored->document, fresh))
      warnings.push_back(line);
    if (!warnings.empty())
      warnings.insert(warnings.begin(), "this analysis differs from result.json:");
  } else if (!dir.empty()) {
    Status written = reporting::write_analysis_folder(dir, loop, params_, *analysis);
    Result<review::StoredResult> stored =
        written.ok() ? review::read_stored_result(dir) : Result<review::StoredResult>(written);
    if (stored.ok()) {
      reviewed = stored->reviewed();
    } else {
      warnings.push_back("cannot write the analysis folder (" + stored.status().to_string() +
                         "): reviewing without saving");
      dir.clear();
    }
  }
  const std::string note =
      review_->begin(options_.reviewer, reviewed, review::findings(*analysis), dir);
  if (!note.empty()) warnings.push_back(note);
  std::string joined;
  for (const std::string& w : warnings) joined += (joined.empty() ? "" : " ") + w;
  warning_label_->setText(QString::fromStdString(joined));
  scene_->set_review(review_->review());
  if (review_->review()->findings().empty()) {
    say("analysis done: no finding to review");
  } else {
    say(QString::fromStdString(
        "reviewing as " + options_.reviewer +
        (review_->file().empty() ? ", not saved" : ", saved to " + review_->file().string())));
  }
}

void MainWindow::show_frame(int frame) {
  scene_->show_frame(frame);
  slider_->blockSignals(true);
  slider_->setValue(frame);
  slider_->blockSignals(false);
  const int last = cine_->frame_count() - 1;
  frame_label_->setText(
      QString::fromStdString(fmt::format("frame {} of {}  {:.2f} s of {:.2f} s", frame, last + 1,
                                         cine_->time_s(frame), cine_->time_s(last))));
  refresh_findings();
  render();
  chart_->set_cursor_frame(frame);
}

bool MainWindow::export_to(const std::filesystem::path& path, int first, int last) {
  cine_->pause();
  const Status status =
      export_frames(render_window_, *scene_, path, {first, last}, options_.anonymize);
  say(QString::fromStdString(status.ok() ? "exported " + path.string()
                                         : "export failed: " + status.to_string()));
  return status.ok();
}

void MainWindow::ask_export(bool loop_range) {
  cine_->pause();
  const QString file = QFileDialog::getSaveFileName(
      this, loop_range ? "Export the loop range as shown" : "Export this frame as shown", QString(),
      loop_range ? "H.264 video (*.mp4)" : "PNG image (*.png);;H.264 video (*.mp4)");
  if (file.isEmpty()) return;
  const FrameRange range =
      loop_range ? cine_->play_range() : FrameRange{cine_->frame(), cine_->frame()};
  export_to(file.toStdString(), range.first, range.last);
}

void MainWindow::refresh_findings() {
  if (!review_->active()) return;
  const auto& found = review_->review()->findings();
  findings_->blockSignals(true);
  while (findings_->count() > int(found.size())) delete findings_->takeItem(findings_->count() - 1);
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (int(i) >= findings_->count()) findings_->addItem("");
    findings_->item(int(i))->setText(QString::fromStdString(
        finding_text(found[i], cine_->frame(), review_->review()->reviewer())));
  }
  findings_->setCurrentRow(review_->selected() ? int(*review_->selected()) : -1);
  findings_->blockSignals(false);
}

void MainWindow::ask_comment() {
  if (!review_->active() || !review_->selected()) return;
  const review::Finding& finding = review_->review()->findings()[*review_->selected()];
  bool ok = false;
  const QString text = QInputDialog::getMultiLineText(
      this, "Comment", QString::fromStdString("Comment on the " + finding.title + ":"),
      QString::fromStdString(finding.comment), &ok);
  if (ok) review_->set_comment(text.toStdString());
}

QPoint MainWindow::to_widget(const review::PointMm& at_mm) {
  vtkRenderer* renderer = scene_->image_renderer();
  renderer->SetWorldPoint(at_mm.x_mm, at_mm.y_mm, 0, 1);
  renderer->WorldToDisplay();
  double display[3];
  renderer->GetDisplayPoint(display);
  const double ratio = vtk_widget_->devicePixelRatioF();
  // VTK's display y counts from the bottom (as its Qt adapter flips it).
  return QPoint(int(std::lround(display[0] / ratio)),
                int(std::lround((vtk_widget_->height() * ratio - display[1] - 1) / ratio)));
}

review::PointMm MainWindow::to_image(const QPoint& widget_px) {
  const double ratio = vtk_widget_->devicePixelRatioF();
  vtkRenderer* renderer = scene_->image_renderer();
  renderer->SetDisplayPoint(widget_px.x() * ratio,
                            vtk_widget_->height() * ratio - widget_px.y() * ratio - 1, 0);
  renderer->DisplayToWorld();
  double world[4];
  renderer->GetWorldPoint(world);
  return {world[0] / world[3], world[1] / world[3]};
}

bool MainWindow::on_mouse(QEvent::Type type, QMouseEvent* event) {
  const int frame = cine_->frame();
  if (type == QEvent::MouseButtonPress) {
    if (!review_->active() || event->button() != Qt::LeftButton ||
        event->modifiers() != Qt::NoModifier)
      return false;
    const review::PointMm at = to_image(event->pos());
    const review::PointMm beside = to_image(event->pos() + QPoint(1, 0));
    const double radius_mm = kPickPx * std::abs(beside.x_mm - at.x_mm);
    if (const auto selected = review_->selected()) {
      if (auto handle =
              review::nearest_handle(*review_->review(), *selected, frame, at, radius_mm)) {
        cine_->pause();
        drag_ = Drag{frame, *handle, at, handle->at_mm};
        return true;
      }
    }
    if (auto finding = review::finding_at(*review_->review(), frame, at, radius_mm)) {
      review_->select(*finding);
      return true;
    }
    return false;  // window/level, as the image style does
  }
  if (!drag_) return false;
  const review::PointMm at = to_image(event->pos());
  drag_->to_mm = {drag_->handle.at_mm.x_mm + at.x_mm - drag_->pressed_mm.x_mm,
                  drag_->handle.at_mm.y_mm + at.y_mm - drag_->pressed_mm.y_mm};
  if (type == QEvent::MouseMove) {
    // The label follows live; nothing is saved until the release.
    scene_->set_review(review_->preview(drag_->frame, drag_->handle, drag_->to_mm));
    render();
  } else if (type == QEvent::MouseButtonRelease) {
    const Drag done = *drag_;
    drag_.reset();
    scene_->set_review(review_->review());
    review_->correct(done.frame, done.handle, done.to_mm);
  }
  return true;
}

void MainWindow::render() { render_window_->Render(); }

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
  if (watched == vtk_widget_) {
    switch (event->type()) {
      case QEvent::Resize: {
        const qreal ratio = vtk_widget_->devicePixelRatioF();
        scene_->fit(int(vtk_widget_->width() * ratio), int(vtk_widget_->height() * ratio));
        render();
        break;
      }
      case QEvent::MouseButtonPress:
      case QEvent::MouseMove:
      case QEvent::MouseButtonRelease:
        if (on_mouse(event->type(), static_cast<QMouseEvent*>(event))) return true;
        break;
      default:
        break;
    }
  }
  return QMainWindow::eventFilter(watched, event);
}

}  // namespace dynamus::view
