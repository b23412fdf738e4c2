#include "io/sidecar.h"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

namespace dynamus::imaging::io {
namespace {

using nlohmann::json;

bool positive(double value) { return std::isfinite(value) && value > 0.0; }

Result<std::array<double, 2>> parse_spacing(const json& value) {
  if (value.is_number() && positive(value.get<double>())) {
    return std::array<double, 2>{value.get<double>(), value.get<double>()};
  }
  if (value.is_array() && value.size() == 2 && value[0].is_number() && value[1].is_number() &&
      positive(value[0].get<double>()) && positive(value[1].get<double>())) {
    return std::array<double, 2>{value[0].get<double>(), value[1].get<double>()};
  }
  return Status(StatusCode::kInvalidData,
                "\"spacing_mm\" must be a positive number or [x, y] of positive numbers");
}

Result<RegionPx> parse_region(const json& value) {
  if (value.is_array() && value.size() == 4 &&
      std::all_of(value.begin(), value.end(),
                  [](const json& v) { return v.is_number_integer(); })) {
    RegionPx region{value[0].get<int>(), value[1].get<int>(), value[2].get<int>(),
                    value[3].get<int>()};
    if (region.x0 >= 0 && region.y0 >= 0 && region.x1 >= region.x0 && region.y1 >= region.y0) {
      return region;
    }
  }
  return Status(StatusCode::kInvalidData,
                "\"region_px\" must be [x0, y0, x1, y1]: integers, inclusive, x0 <= x1, y0 <= y1");
}

}  // namespace

std::filesystem::path sidecar_path(const std::filesystem::path& input) {
  std::string text = input.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text + ".json";
}

Result<std::optional<Sidecar>> read_sidecar(const std::filesystem::path& input) {
  Sidecar sidecar;
  sidecar.path = sidecar_path(input);
  std::error_code error;
  if (!std::filesystem::is_regular_file(sidecar.path, error)) return std::optional<Sidecar>();

  auto fail = [&](const std::string& message) {
    return Status(StatusCode::kInvalidData, "sidecar: " + message, sidecar.path.string());
  };
  std::ifstream file(sidecar.path);
  const json document = json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return fail("not valid JSON");
  if (!document.is_object()) return fail("must be a JSON object");

  if (document.contains("spacing_mm")) {
    auto spacing = parse_spacing(document["spacing_mm"]);
    if (!spacing.ok()) return fail(spacing.status().message());
    sidecar.spacing_mm = *spacing;
  }
  if (document.contains("fps")) {
    const json& fps = document["fps"];
    if (!fps.is_number() || !positive(fps.get<double>())) return fail("\"fps\" must be positive");
    sidecar.fps = fps.get<double>();
  }
  if (document.contains("region_px")) {
    auto region = parse_region(document["region_px"]);
    if (!region.ok()) return fail(region.status().message());
    sidecar.region_px = *region;
  }
  return std::optional<Sidecar>(std::move(sidecar));
}

}  // namespace dynamus::imaging::io
