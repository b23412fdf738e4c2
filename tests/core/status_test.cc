#include "dynamus/core/status.h"

#include <gtest/gtest.h>

#include <vector>

#include "dynamus/core/exit_code.h"
#include "dynamus/core/progress.h"

namespace dynamus {
namespace {

Result<int> parse_positive(int value) {
  if (value <= 0) return Status(StatusCode::kInvalidArgument, "must be positive", "arg");
  return value;
}

Status twice_positive(int value, int& out) {
  DYNAMUS_ASSIGN_OR_RETURN(int parsed, parse_positive(value));
  out = 2 * parsed;
  return ok_status();
}

TEST(Status, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.to_string(), "ok");
}

TEST(Status, CarriesCodeMessageAndContext) {
  Status status(StatusCode::kInvalidData, "truncated pixel data", "/tmp/a.dcm");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kInvalidData);
  EXPECT_EQ(status.to_string(), "/tmp/a.dcm: truncated pixel data");
  EXPECT_EQ(status.with_context("b.dcm").to_string(), "b.dcm: truncated pixel data");
}

TEST(Result, AssignOrReturnPropagatesErrorsAndValues) {
  int out = 0;
  EXPECT_TRUE(twice_positive(4, out).ok());
  EXPECT_EQ(out, 8);
  Status failed = twice_positive(-1, out);
  EXPECT_EQ(failed.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(failed.context(), "arg");
  EXPECT_EQ(out, 8);
}

}  // namespace
}  // namespace dynamus

namespace dynamus {
namespace {

TEST(Progress, ReportsPartsOfTheWholeAndCancels) {
  EXPECT_TRUE(report_progress({}, 0.5, "anything").ok()) << "no listener: never cancelled";
  std::vector<double> heard;
  const Progress whole = [&](double fraction, std::string_view) {
    heard.push_back(fraction);
    return fraction < 0.9;
  };
  const Progress second_half = progress_part(whole, 0.5, 1.0);
  EXPECT_TRUE(report_progress(second_half, 0.5, "step").ok());
  const Status cancelled = report_progress(second_half, 0.9, "step");
  EXPECT_EQ(cancelled.code(), StatusCode::kCancelled);
  EXPECT_EQ(heard, (std::vector<double>{0.75, 0.95}));
  EXPECT_EQ(exit_code_for(StatusCode::kCancelled), kExitCancelled);
  EXPECT_EQ(to_string(StatusCode::kCancelled), "cancelled");
  EXPECT_FALSE(progress_part({}, 0, 1)) << "an empty listener stays empty";
}

}  // namespace
}  // namespace dynamus
