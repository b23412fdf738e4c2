// The shared real-data corpus as the segmentation tests use it: every image file, loaded (with an
// assumed spacing where it has no calibration, as a user would give --spacing), with its motion
// and contraction phases.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "dynamus/imaging/load.h"
#include "dynamus/imaging/motion.h"
#include "dynamus/imaging/trajectories.h"
#include "realdata.h"

namespace dynamus::testing {

inline constexpr double kAssumedSpacingMm = 0.1;

// dicom/, plus/ and msk/ below the corpus, sorted; not raw payloads beside their .mhd header,
// manual masks (gt_*) or sidecars. Empty when the corpus is absent.
inline std::vector<std::filesystem::path> corpus_files() {
  std::vector<std::filesystem::path> files;
  for (const char* folder : {"dicom", "plus", "msk"}) {
    const std::filesystem::path dir = realdata_dir() / folder;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      const std::string extension = entry.path().extension().string();
      if (!entry.is_regular_file() || extension == ".raw" || extension == ".json" ||
          name.rfind("gt_", 0) == 0) {
        continue;
      }
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct CorpusLoop {
  imaging::CineLoop loop;
  bool spacing_assumed = false;
  imaging::Motion motion;
  imaging::ContractionPhases phases;
};

// The loading error for files the loaders refuse (their own tests cover those).
inline Result<CorpusLoop> load_corpus_loop(const std::filesystem::path& path) {
  DYNAMUS_ASSIGN_OR_RETURN(imaging::CineLoop loop, imaging::load(path));
  const bool assumed = !loop.calibration().spacing_mm;
  if (assumed) {
    imaging::LoadOptions options;
    options.overrides.spacing_mm = std::array<double, 2>{kAssumedSpacingMm, kAssumedSpacingMm};
    DYNAMUS_ASSIGN_OR_RETURN(loop, imaging::load(path, options));
  }
  DYNAMUS_ASSIGN_OR_RETURN(const auto tracker, imaging::create_tracker("default"));
  DYNAMUS_ASSIGN_OR_RETURN(imaging::Motion motion, imaging::track(loop, *tracker));
  DYNAMUS_ASSIGN_OR_RETURN(imaging::ContractionPhases phases, imaging::contraction_phases(motion));
  return CorpusLoop{std::move(loop), assumed, std::move(motion), std::move(phases)};
}

}  // namespace dynamus::testing
