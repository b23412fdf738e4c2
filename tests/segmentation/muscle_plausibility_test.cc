// trace_muscle on every loadable file of the real-data corpus (DICOM ultrasound of any anatomy,
// PLUS sequences, MSK images): never an error, and whatever it reports is physiologically
// plausible for a muscle (pennation at most 45 deg, thickness changing by at most 30 % between
// reported consecutive frames and 50 % over the loop). Images without a muscle should say so.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/trajectories.h"
#include "dynamus/segmentation/muscle.h"
#include "dynamus/segmentation/tendon.h"
#include "realdata.h"
#include "realdata_corpus.h"

namespace dynamus::segmentation {
namespace {

// Uncalibrated files get an assumed spacing (realdata_corpus.h): the gates are about shape and
// change, which a wrong scale does not create.
constexpr double kMaxPennationDeg = 45.0;
constexpr double kMaxFrameChange = 0.3;
constexpr double kMaxLoopRatio = 1.5;

TEST(MusclePlausibility, EveryRealFileGivesNoErrorAndOnlyPlausibleValues) {
  const std::vector<std::filesystem::path> files = testing::corpus_files();
  if (files.empty()) {
    GTEST_SKIP() << "no real data under " << testing::realdata_dir()
                 << " (set DYNAMUS_REALDATA to the shared/realdata folder)";
  }
  int loaded = 0, found = 0;
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    Result<testing::CorpusLoop> corpus = testing::load_corpus_loop(path);
    if (!corpus.ok()) {
      std::printf("%-66s not loadable: %s\n", path.filename().c_str(),
                  corpus.status().to_string().c_str());
      continue;
    }
    ++loaded;
    const imaging::CineLoop* loop = &corpus->loop;
    const imaging::Motion* motion = &corpus->motion;
    const imaging::ContractionPhases& phases = corpus->phases;
    Result<TendonTrace> tendon = trace_tendon(*loop, *motion, phases);
    ASSERT_TRUE(tendon.ok()) << tendon.status().to_string();
    Result<MuscleTrace> trace = trace_muscle(*loop, *motion, *tendon);
    ASSERT_TRUE(trace.ok()) << trace.status().to_string();
    if (!trace->found) {
      EXPECT_FALSE(trace->not_found_reason.empty());
      std::printf("%-66s not found: %s\n", path.filename().c_str(),
                  trace->not_found_reason.c_str());
      continue;
    }
    ++found;
    ASSERT_EQ(trace->thickness_mm.size(), std::size_t(loop->frame_count()));
    ASSERT_EQ(trace->pennation_deg.size(), std::size_t(loop->frame_count()));
    double low = 1e9, high = 0.0, pennation_low = 1e9, pennation_high = -1e9;
    std::optional<double> last;
    for (int f = 0; f < loop->frame_count(); ++f) {
      if (const auto& p = trace->pennation_deg[std::size_t(f)]) {
        EXPECT_GE(*p, 0.0) << "frame " << f;
        EXPECT_LE(*p, kMaxPennationDeg) << "frame " << f;
        pennation_low = std::min(pennation_low, *p), pennation_high = std::max(pennation_high, *p);
      }
      const auto& t = trace->thickness_mm[std::size_t(f)];
      if (!t) continue;
      EXPECT_GT(*t, 0.0) << "frame " << f;
      if (last) {
        EXPECT_LE(std::abs(*t / *last - 1.0), kMaxFrameChange) << "frame " << f;
      }
      last = t;
      low = std::min(low, *t), high = std::max(high, *t);
    }
    EXPECT_LE(high, kMaxLoopRatio * low);
    const std::string pennation =
        pennation_high < 0.0 ? std::string("none")
                             : std::to_string(pennation_low) + "-" + std::to_string(pennation_high);
    std::printf("%-66s found: thickness %.1f-%.1f mm, pennation %s deg (%d frames)\n",
                path.filename().c_str(), low, high, pennation.c_str(), loop->frame_count());
  }
  std::printf("%d loadable files, a muscle reported in %d\n", loaded, found);
  EXPECT_GT(loaded, 0);
}

}  // namespace
}  // namespace dynamus::segmentation
