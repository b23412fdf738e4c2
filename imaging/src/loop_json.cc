#include "dynamus/imaging/loop_json.h"

namespace dynamus::imaging {

nlohmann::json input_json(const CineLoop& loop) {
  using nlohmann::json;
  const SourceInfo& source = loop.source();
  const RegionPx& region = loop.region_px();
  auto optional_number = [](std::optional<double> value) {
    return value ? json(*value) : json(nullptr);
  };
  const auto& spacing = loop.calibration().spacing_mm;
  return json{
      {"path", source.path},
      {"sha256", source.sha256},
      {"format", source.format},
      {"frames", loop.frame_count()},
      {"width_px", loop.width_px()},
      {"height_px", loop.height_px()},
      {"spacing_mm", spacing ? json{(*spacing)[0], (*spacing)[1]} : json(nullptr)},
      {"calibration", calibration_label(loop.calibration())},
      {"calibration_detail", loop.calibration().detail},
      {"region_px", {region.x0, region.y0, region.x1, region.y1}},
      {"region_source", to_string(loop.region_source())},
      {"source_width_px", source.width_px},
      {"source_height_px", source.height_px},
      {"fps", optional_number(loop.fps())},
      {"duration_s", optional_number(loop.duration_s())},
      {"timing", to_string(loop.timing().source)},
      {"codec", source.codec},
      {"transfer_syntax_uid", source.transfer_syntax_uid},
      {"sop_class_uid", source.sop_class_uid},
      {"modality", source.modality},
      {"manufacturer", source.manufacturer},
      {"photometric", source.photometric},
      {"study_uid", source.study_uid},
      {"series_uid", source.series_uid},
      {"instance_uid", source.instance_uid},
      {"warnings", loop.warnings()},
  };
}

}  // namespace dynamus::imaging
