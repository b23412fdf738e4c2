// analyze()'s progress: it rises to 1 through the steps, and a cancel stops the analysis with
// kCancelled instead of a result.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dynamus/core/exit_code.h"
#include "dynamus/segmentation/analysis.h"
#include "scenario_run.h"

namespace dynamus::segmentation {
namespace {

imaging::CineLoop tear_loop() {
  auto simulated = phantom::simulate(
      testing::scenario_params(phantom::Scenario::kRetractingTear, 7, 0.15, 0.0, 12));
  EXPECT_TRUE(simulated.ok()) << simulated.status().to_string();
  return std::move(simulated).value().loop;
}

TEST(AnalysisProgress, RisesToOneThroughEveryStep) {
  const imaging::CineLoop loop = tear_loop();
  std::vector<double> fractions;
  std::vector<std::string> stages;
  const Result<Analysis> analysis = analyze(loop, {}, [&](double fraction, std::string_view stage) {
    fractions.push_back(fraction);
    if (stages.empty() || stages.back() != stage) stages.emplace_back(stage);
    return true;
  });
  ASSERT_TRUE(analysis.ok()) << analysis.status().to_string();
  EXPECT_EQ(stages, (std::vector<std::string>{"tracking", "tendon", "tear", "muscle", "done"}));
  ASSERT_GE(fractions.size(), std::size_t(loop.frame_count() - 1 + 4)) << "each pair tracked";
  EXPECT_EQ(fractions.front(), 0.0);
  EXPECT_EQ(fractions.back(), 1.0);
  for (std::size_t i = 1; i < fractions.size(); ++i) EXPECT_GE(fractions[i], fractions[i - 1]);
}

TEST(AnalysisProgress, CancellingStopsWithCancelled) {
  const imaging::CineLoop loop = tear_loop();
  for (const std::string stop_at : {"tracking", "tear"}) {
    int calls_after_cancel = 0;
    bool cancelled = false;
    const Result<Analysis> analysis = analyze(loop, {}, [&](double, std::string_view stage) {
      if (cancelled) ++calls_after_cancel;
      if (stage == stop_at) cancelled = true;
      return !cancelled;
    });
    EXPECT_EQ(analysis.status().code(), StatusCode::kCancelled) << stop_at;
    EXPECT_EQ(calls_after_cancel, 0) << "nothing more is computed after " << stop_at;
    EXPECT_EQ(exit_code_for(analysis.status().code()), kExitCancelled);
  }
}

}  // namespace
}  // namespace dynamus::segmentation
