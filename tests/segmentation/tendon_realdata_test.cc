// The tendon and tear steps on every loadable file of the real-data corpus (cardiac, abdominal,
// vascular and MSK images): never an error for a calibrated loop, and whatever is reported is
// anatomically plausible for a tendon (thickness 1.5-15 mm, a gap of at most 30 mm). Most of
// these images hold no tendon; what is asserted is that the steps do not report absurd ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/segmentation/tear.h"
#include "dynamus/segmentation/tendon.h"
#include "realdata.h"
#include "realdata_corpus.h"

namespace dynamus::segmentation {
namespace {

constexpr double kMinThicknessMm = 1.5;   // the trace's thinnest band
constexpr double kMaxThicknessMm = 15.0;  // a tendinopathic tendon at most
constexpr double kMaxGapMm = 30.0;

void expect_plausible(const std::string& file, const testing::CorpusLoop& corpus) {
  const imaging::CineLoop& loop = corpus.loop;
  const imaging::Motion* motion = &corpus.motion;
  const imaging::ContractionPhases& phases = corpus.phases;
  auto tendon = trace_tendon(loop, *motion, phases);
  ASSERT_TRUE(tendon.ok()) << file << ": " << tendon.status().to_string();
  const TendonThickness thickness = measure_thickness(loop, *tendon, phases);
  auto tear = find_tear(loop, *motion, phases, *tendon);
  ASSERT_TRUE(tear.ok()) << file << ": " << tear.status().to_string();
  std::printf("%-55s %3d frames: tendon %s %s, tear %s\n", file.c_str(), loop.frame_count(),
              tendon->found ? "found" : "not found",
              tendon->found ? (thickness.median_mm ? std::to_string(*thickness.median_mm).c_str()
                                                   : "(no thickness)")
                            : tendon->not_found_reason.c_str(),
              tear->suspected ? tear->kind.c_str() : "none");
  if (!tendon->found) {
    EXPECT_FALSE(tendon->not_found_reason.empty()) << file;
    EXPECT_FALSE(tear->suspected) << file;
    return;
  }
  for (const auto* values : {&thickness.per_frame_median_mm, &thickness.per_frame_max_mm}) {
    for (const auto& v : *values) {
      if (!v) continue;
      EXPECT_GE(*v, kMinThicknessMm * 0.5) << file;  // a sample may thin at a lesion
      EXPECT_LE(*v, kMaxThicknessMm) << file;
    }
  }
  if (thickness.thickening.present) {
    EXPECT_LE(thickness.thickening.max_mm, kMaxThicknessMm) << file;
  }
  for (const TearFrame& f : tear->frames) {
    if (f.gap_mm) {
      EXPECT_LE(*f.gap_mm, kMaxGapMm) << file;
    }
  }
}

TEST(TendonRealData, EveryLoadableFileGivesAPlausibleTendonOrNone) {
  const std::vector<std::filesystem::path> files = testing::corpus_files();
  if (files.empty()) {
    GTEST_SKIP() << "no real-data corpus under " << testing::realdata_dir()
                 << " (set DYNAMUS_REALDATA)";
  }
  int analysed = 0;
  for (const auto& path : files) {
    Result<testing::CorpusLoop> corpus = testing::load_corpus_loop(path);
    if (!corpus.ok()) continue;  // loading is the imaging library's concern, tested there
    const std::string name = path.filename().string();
    if (corpus->spacing_assumed) {
      // Uncalibrated: the documented refusal first, then the image with the assumed spacing.
      imaging::CineLoop uncalibrated = *imaging::load(path);
      auto refused = trace_tendon(uncalibrated, imaging::Motion{}, corpus->phases);
      EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << name;
    }
    expect_plausible(name, *corpus);
    ++analysed;
  }
  EXPECT_GT(analysed, 0);
}

}  // namespace
}  // namespace dynamus::segmentation
