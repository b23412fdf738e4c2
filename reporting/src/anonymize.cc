#include "dynamus/reporting/anonymize.h"

#include <filesystem>

#include "dynamus/core/pseudonym.h"
#include "dynamus/imaging/dicom_uid.h"
#include "dynamus/reporting/dicom_results.h"
#include "dynamus/reporting/study_header.h"

namespace dynamus::reporting {
namespace {

void clean_strings(nlohmann::json& value, const imaging::CineLoop& loop) {
  if (value.is_string()) {
    value = without_input_name(value.get<std::string>(), loop);
  } else if (value.is_structured()) {
    for (nlohmann::json& item : value) clean_strings(item, loop);
  }
}

std::string anonymized_uid(const std::string& uid, const char* what) {
  if (uid.empty()) return uid;
  return imaging::uid_from_seed(anonymize_salt() + "/anonymized-" + what + "/" + uid);
}

}  // namespace

std::string input_name(const imaging::CineLoop& loop, bool anonymize) {
  return anonymize ? pseudonym(loop) : loop.source().path;
}

std::string without_input_name(std::string text, const imaging::CineLoop& loop) {
  const std::filesystem::path path(loop.source().path);
  const std::string name = pseudonym(loop);
  // Longest first, so the path is replaced whole rather than its file name inside it. A stem of
  // one or two characters is left: it would match inside ordinary words.
  text = replace_identifier(text, path.string(), name);
  text = replace_identifier(text, path.filename().string(), name);
  if (path.stem().string().size() >= 3) text = replace_identifier(text, path.stem().string(), name);
  return text;
}

std::string burned_in_text_warning(const imaging::CineLoop& loop) {
  if (loop.region_source() != imaging::RegionSource::kFullFrame) return {};
  return "anonymised, but the loop has no calibrated region: text burned into the image (names, "
         "dates) cannot be cropped; give --region x0,y0,x1,y1 to keep only the ultrasound image";
}

nlohmann::json anonymized_input_json(nlohmann::json input, const imaging::CineLoop& loop) {
  clean_strings(input, loop);
  input["path"] = pseudonym(loop);
  if (!loop.source().study_uid.empty()) input["study_uid"] = anonymized_study_uid(loop);
  input["series_uid"] = anonymized_uid(loop.source().series_uid, "series");
  input["instance_uid"] = anonymized_uid(loop.source().instance_uid, "instance");
  input["anonymized"] = true;
  if (const std::string warning = burned_in_text_warning(loop); !warning.empty())
    input["warnings"].push_back(warning);
  return input;
}

}  // namespace dynamus::reporting
