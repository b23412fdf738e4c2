// What `--anonymize` changes in the outputs of an analysis besides the report header and the DICOM
// results (study_header.h, dicom_results.h): the input as result.json and the findings name it,
// and text that quotes the input's path or file name. The frames need nothing here: every export
// shows only the loop's calibrated region, so burned-in text outside it is already cropped.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "dynamus/imaging/cine_loop.h"

namespace dynamus::reporting {

// The input's name in outputs: its path, or anonymised the pseudonym of study_header.h.
std::string input_name(const imaging::CineLoop& loop, bool anonymize);

// `text` with the input's path, file name and file stem (of 3 characters or more) replaced by the
// pseudonym (warnings and calibration details may quote them).
std::string without_input_name(std::string text, const imaging::CineLoop& loop);

// result.json's `input` object (imaging::input_json) de-identified: "path" the pseudonym, the
// study, series and instance UIDs replaced by UIDs derived with the salt (dicom_results.h), every
// string cleaned by without_input_name(), "anonymized": true, and a warning when the loop is its
// full frame (no calibrated region), since burned-in text cannot then be told from the image.
nlohmann::json anonymized_input_json(nlohmann::json input, const imaging::CineLoop& loop);

// The warning above, or empty when the loop has a region to crop to.
std::string burned_in_text_warning(const imaging::CineLoop& loop);

}  // namespace dynamus::reporting
