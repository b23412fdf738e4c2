// dynamus-view: the review app, and with --screenshot its automation path. A thin shell: the
// libraries load, analyse and say what to draw.
#include <QVTKOpenGLNativeWidget.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <QApplication>
#include <QFileDialog>
#include <QInputDialog>
#include <QSurfaceFormat>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "analysis_options.h"
#include "cine_controller.h"
#include "dynamus/core/exit_code.h"
#include "dynamus/core/version.h"
#include "dynamus/imaging/load.h"
#include "dynamus/plugin_host/plugin_host.h"
#include "dynamus/review/stored_result.h"
#include "input_options.h"
#include "main_window.h"
#include "screenshot.h"
#include "study_browser.h"
#include "study_list.h"

namespace {

using dynamus::Status;
using dynamus::StatusCode;
using namespace dynamus::view;
using dynamus::exit_code_for;
using dynamus::kExitOk;
using dynamus::kExitUsage;

int fail(const Status& status) {
  std::cerr << "dynamus-view: error: " << status.to_string() << '\n';
  return exit_code_for(status.code());
}

// "WxH" with both positive.
std::optional<std::array<int, 2>> parse_size(const std::string& text) {
  int width = 0, height = 0;
  char x = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &width, &x, &height, &rest) != 3 || x != 'x' ||
      width <= 0 || height <= 0)
    return std::nullopt;
  return std::array<int, 2>{width, height};
}

// "A:B" with 0 <= A <= B (the loop's bounds are checked once it is loaded).
std::optional<FrameRange> parse_range(const std::string& text) {
  int first = 0, last = 0;
  char colon = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &first, &colon, &last, &rest) != 3 || colon != ':' ||
      first < 0 || last < first)
    return std::nullopt;
  return FrameRange{first, last};
}

// The folder's result.json if it has one; an unreadable one is an error.
Status read_folder(const std::filesystem::path& dir,
                   std::optional<dynamus::review::StoredResult>& stored) {
  auto read = dynamus::review::read_stored_result(dir);
  if (read.ok()) {
    stored = std::move(read).value();
  } else if (read.status().code() != StatusCode::kNotFound) {
    return read.status();
  }
  return dynamus::ok_status();
}

std::string default_reviewer() {
  const char* user = std::getenv("USER");
  return user && *user ? user : "anonymous";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli("dynamus-view: review a cine loop with its analysis", "dynamus-view");
  cli.set_version_flag("--version", std::string("dynamus-view ") + dynamus::kVersion);
  std::string input, results, reviewer, screenshot, exported, range_text, size = "1000x800";
  std::optional<int> frame;
  cli.add_option("INPUT", input,
                 "DICOM, video, image folder or MetaImage/NRRD sequence (default with --results: "
                 "result.json's input); or a folder of studies (a batch output folder with "
                 "summary.json, or a folder of inputs) to review one after another");
  cli.add_option("--results", results,
                 "the analysis folder: read when it has a result.json, else written (default "
                 "INPUT.dynamus beside the input)");
  cli.add_option("--reviewer", reviewer, "your name, recorded with the review (default: asked)");
  cli.add_option("--screenshot", screenshot,
                 "render one frame to this PNG and exit (needs an X server, e.g. xvfb-run -a)");
  auto* export_option =
      cli.add_option("--export", exported,
                     "write the view as shown to OUT.png (one frame) or OUT.mp4 (H.264, default "
                     "every frame) and exit (needs an X server, e.g. xvfb-run -a)");
  auto* frame_option =
      cli.add_option("--frame", frame, "the frame to show (default: the peak of contraction)");
  cli.add_option("--range", range_text, "with --export OUT.mp4: the frames A:B (inclusive)")
      ->needs(export_option)
      ->excludes(frame_option);
  export_option->excludes(cli.get_option("--screenshot"));
  cli.add_option("--size", size, "window size in pixels, WxH (default 1000x800)");
  bool anonymize = false;
  cli.add_flag("--anonymize", anonymize,
               "exports (--export, --screenshot, Ctrl+E) may leave the hospital: refuse a loop "
               "without a calibrated region, whose full frame could show burned-in patient text");
  dynamus::cli::InputOptions input_options;
  input_options.add_to(cli);
  dynamus::plugin_host::register_plugins();  // before the options whose help lists the names
  dynamus::cli::AnalysisOptions analysis_options;
  analysis_options.add_to(cli);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return cli.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  const auto load_options = input_options.to_load_options();
  if (!load_options.ok()) return fail(load_options.status());
  const auto window_size = parse_size(size);
  if (!window_size)
    return fail(Status(StatusCode::kInvalidArgument, "--size expects WxH, got '" + size + "'"));
  std::optional<dynamus::review::StoredResult> stored;
  if (!results.empty()) {
    if (const Status status = read_folder(results, stored); !status.ok()) return fail(status);
    if (input.empty() && stored) input = stored->input_path;
    if (input.empty()) {
      return fail(Status(StatusCode::kInvalidArgument,
                         "has no result.json: give the INPUT to analyse into it", results));
    }
  }
  std::optional<FrameRange> range;
  if (!range_text.empty()) {
    range = parse_range(range_text);
    if (!range)
      return fail(
          Status(StatusCode::kInvalidArgument, "--range expects A:B, got '" + range_text + "'"));
  }
  if (!exported.empty()) screenshot = exported;
  const bool study_folder = !input.empty() && is_study_folder(input);
  if (study_folder && (!screenshot.empty() || !results.empty())) {
    return fail(Status(StatusCode::kInvalidArgument,
                       "a folder of studies is reviewed in the window; --screenshot, --export "
                       "and --results take one study",
                       input));
  }
  if (!screenshot.empty()) {
    if (input.empty())
      return fail(Status(
          StatusCode::kInvalidArgument,
          (exported.empty() ? "--screenshot" : "--export") + std::string(" needs an INPUT")));
    auto loop = dynamus::imaging::load(input, *load_options);
    if (!loop.ok()) return fail(loop.status());
    if (stored) {
      if (const Status status = check_input(*stored, loop->source()); !status.ok())
        return fail(status);
    }
    const ScreenshotRequest request{
        screenshot, frame, (*window_size)[0],       (*window_size)[1], stored,
        reviewer,   range, analysis_options.params, anonymize};
    const Status status = render_screenshot(*loop, request);
    return status.ok() ? kExitOk : fail(status);
  }

  QSurfaceFormat::setDefaultFormat(QVTKOpenGLNativeWidget::defaultFormat());
  QApplication app(argc, argv);
  if (input.empty()) {
    input = QFileDialog::getOpenFileName(nullptr, "Open a cine loop").toStdString();
    if (input.empty()) return kExitOk;
  }
  std::optional<std::vector<Study>> studies;
  if (study_folder) {
    auto opened = open_study_folder(input);
    if (!opened.ok()) return fail(opened.status());
    studies = std::move(opened).value();
  }
  if (reviewer.empty()) {
    // Asked once per session; every decision is recorded with it.
    reviewer = QInputDialog::getText(nullptr, "dynamus-view",
                                     "Reviewer (recorded with the review):", QLineEdit::Normal,
                                     QString::fromStdString(default_reviewer()))
                   .trimmed()
                   .toStdString();
    if (reviewer.empty()) reviewer = default_reviewer();
  }
  if (studies) {
    StudyBrowser browser(std::move(*studies), reviewer, *load_options, analysis_options.params,
                         anonymize);
    browser.resize((*window_size)[0] + 320, (*window_size)[1]);
    browser.show();
    return app.exec();
  }
  const std::filesystem::path dir = results.empty() ? dynamus::review::default_analysis_dir(input)
                                                    : std::filesystem::path(results);
  auto loaded = load_study(input, dir, *load_options);
  if (!loaded.ok()) return fail(loaded.status());
  dynamus::imaging::CineLoop& loop = loaded->loop;
  if (frame && (*frame < 0 || *frame >= loop.frame_count())) {
    return fail(Status(StatusCode::kInvalidArgument,
                       fmt::format("--frame {} is outside the loop's frames 0..{}", *frame,
                                   loop.frame_count() - 1),
                       input));
  }
  MainWindow window(std::move(loop),
                    {dir, std::move(loaded->stored), reviewer, analysis_options.params, anonymize});
  window.resize((*window_size)[0], (*window_size)[1]);
  if (frame) window.cine().set_frame(*frame);
  window.show();
  return app.exec();
}
