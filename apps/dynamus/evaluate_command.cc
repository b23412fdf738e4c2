// dynamus evaluate RESULT.json TRUTH.json [--json]: errors of an analysis against the phantom's
// truth, as a table (or one JSON object).
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "cli_common.h"
#include "dynamus/phantom/evaluate.h"

namespace dynamus::cli {
namespace {

struct EvaluateArgs {
  std::string result;
  std::string truth;
  bool json = false;
};

Result<nlohmann::json> read_json(const std::string& path) {
  std::ifstream file(path);
  if (!file) return Status(StatusCode::kNotFound, "cannot open the file", path);
  nlohmann::json document = nlohmann::json::parse(file, nullptr, false);
  if (document.is_discarded()) return Status(StatusCode::kInvalidData, "not valid JSON", path);
  return document;
}

std::string value(const std::optional<double>& v, const char* unit) {
  return v ? fmt::format("{:.3f} {}", *v, unit) : "-";
}

Status run(const EvaluateArgs& args) {
  DYNAMUS_ASSIGN_OR_RETURN(const nlohmann::json result, read_json(args.result));
  DYNAMUS_ASSIGN_OR_RETURN(const nlohmann::json truth, read_json(args.truth));
  Result<phantom::Evaluation> evaluation = phantom::evaluate(result, truth);
  if (!evaluation.ok()) return evaluation.status().with_context(args.result);
  const phantom::Evaluation& e = *evaluation;
  if (args.json) {
    std::cout << phantom::to_json(e).dump(2) << "\n";
    return ok_status();
  }
  std::cout << fmt::format(
      "scenario              {}\n"
      "tear                  expected {}, found {}: {}\n"
      "gap error             {} at rest, {} at peak\n"
      "tendon thickness      {} (median over frames)\n"
      "focal thickening      expected {}, found {}, location error {}\n"
      "muscle thickness      {} (median over frames)\n"
      "pennation             {} (median over frames)\n"
      "contraction           rest frame off by {}, peak frame off by {}, level correlation "
      "{:.4f}\n",
      e.scenario, e.expected_kind, e.found_kind, e.tear_correct ? "correct" : "WRONG",
      value(e.gap_rest_error_mm, "mm"), value(e.gap_peak_error_mm, "mm"),
      value(e.tendon_thickness_error_mm, "mm"), e.thickening_expected ? "yes" : "no",
      e.thickening_found ? "yes" : "no", value(e.thickening_location_error_mm, "mm"),
      value(e.muscle_thickness_error_mm, "mm"), value(e.pennation_error_deg, "deg"),
      e.rest_frame_error, e.peak_frame_error, e.level_correlation);
  return ok_status();
}

}  // namespace

void add_evaluate_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<EvaluateArgs>();
  CLI::App* command =
      app.add_subcommand("evaluate", "errors of an analysis against the phantom's ground truth");
  command->add_option("RESULT", args->result, "result.json of dynamus analyze")->required();
  command->add_option("TRUTH", args->truth, "PREFIX.truth.json of dynamus simulate")->required();
  command->add_flag("--json", args->json, "one JSON object instead of the table");
  command->callback([args, &exit_code] {
    const Status status = run(*args);
    if (!status.ok()) report_error(status);
    exit_code = exit_code_for(status.code());
  });
}

}  // namespace dynamus::cli
