// The Secondary Capture of the annotated key frames, and what SC and SR share.
#include "dynamus/reporting/dicom_results.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "dicom_common.h"
#include "dicom_source.h"
#include "dynamus/core/atomic_file.h"
#include "dynamus/core/pseudonym.h"
#include "dynamus/core/version.h"
#include "dynamus/imaging/dicom_uid.h"

namespace dynamus::reporting {
namespace {

// Series numbers of the results, high so that they sort after the scanner's own series.
constexpr const char* kScSeriesNumber = "901";

// Copied when present; the type 2 ones among them are written empty when absent.
const DcmTagKey kCopied[] = {DCM_SpecificCharacterSet,
                             DCM_PatientName,
                             DCM_PatientID,
                             DCM_IssuerOfPatientID,
                             DCM_PatientBirthDate,
                             DCM_PatientSex,
                             DCM_PatientAge,
                             DCM_PatientSize,
                             DCM_PatientWeight,
                             DCM_StudyDate,
                             DCM_StudyTime,
                             DCM_ReferringPhysicianName,
                             DCM_StudyID,
                             DCM_AccessionNumber,
                             DCM_StudyDescription};
const DcmTagKey kType2[] = {
    DCM_PatientName,    DCM_PatientID, DCM_PatientBirthDate,       DCM_PatientSex,
    DCM_StudyDate,      DCM_StudyTime, DCM_ReferringPhysicianName, DCM_StudyID,
    DCM_AccessionNumber};

// The multi-frame SOP classes an ultrasound loop comes in.
const std::string_view kMultiFrameClasses[] = {
    UID_UltrasoundMultiframeImageStorage,
    UID_RETIRED_UltrasoundMultiframeImageStorage,
    UID_EnhancedUSVolumeStorage,
    UID_MultiframeSingleBitSecondaryCaptureImageStorage,
    UID_MultiframeGrayscaleByteSecondaryCaptureImageStorage,
    UID_MultiframeGrayscaleWordSecondaryCaptureImageStorage,
    UID_MultiframeTrueColorSecondaryCaptureImageStorage};

std::string now(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  char text[32];
  std::strftime(text, sizeof text, format, &local);
  return text;
}

// Both key frames at the size of the larger (they normally match: the same caption lines).
std::string frame_pixels(const RgbImage& rest, const RgbImage& peak, int width, int height) {
  std::string pixels(std::size_t(width) * height * 3 * 2, char(24));
  std::size_t offset = 0;
  for (const RgbImage* image : {&rest, &peak}) {
    for (int row = 0; row < std::min(height, image->height_px); ++row) {
      const auto* in = image->rgb.data() + std::size_t(row) * image->width_px * 3;
      std::copy(in, in + std::size_t(std::min(width, image->width_px)) * 3,
                pixels.begin() + std::ptrdiff_t(offset + std::size_t(row) * width * 3));
    }
    offset += std::size_t(width) * height * 3;
  }
  return pixels;
}

Status build_secondary_capture(DcmDataset& dataset, const ReportContent& content,
                               const ResultStudy& study) {
  DYNAMUS_RETURN_IF_ERROR(put_patient_and_study(dataset, study));
  DYNAMUS_RETURN_IF_ERROR(
      put(dataset, DCM_SOPClassUID, UID_MultiframeTrueColorSecondaryCaptureImageStorage));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SOPInstanceUID, new_uid(SITE_INSTANCE_UID_ROOT)));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SeriesInstanceUID, new_uid(SITE_SERIES_UID_ROOT)));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_Modality, "OT"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SeriesNumber, kScSeriesNumber));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SeriesDescription, "dynamus annotated key frames"));
  // Type 2C, needed for paired body parts: the source's side, else unknown (empty).
  OFString laterality;
  if (study.source != nullptr) study.source->findAndGetOFString(DCM_Laterality, laterality);
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_Laterality, laterality.c_str()));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_Manufacturer, "dynamus"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_SoftwareVersions, std::string("dynamus ") + kVersion));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_ConversionType, "WSD"));  // workstation
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_InstanceNumber, "1"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PatientOrientation, ""));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_ContentDate, now("%Y%m%d")));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_ContentTime, now("%H%M%S")));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_ImageType, "DERIVED\\SECONDARY"));
  DYNAMUS_RETURN_IF_ERROR(put(
      dataset, DCM_DerivationDescription,
      fmt::format("rest (frame {}) and peak (frame {}) frames with the dynamus {} analysis overlay",
                  content.rest_frame_index, content.peak_frame_index, kVersion)));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_BurnedInAnnotation, "YES"));
  if (study.reference) {
    DcmItem* item = nullptr;
    DYNAMUS_RETURN_IF_ERROR(dcmtk_status(
        dataset.findOrCreateSequenceItem(DCM_SourceImageSequence, item, -2), "Source Image"));
    DYNAMUS_RETURN_IF_ERROR(put(*item, DCM_ReferencedSOPClassUID, study.reference->sop_class_uid));
    DYNAMUS_RETURN_IF_ERROR(
        put(*item, DCM_ReferencedSOPInstanceUID, study.reference->instance_uid));
    if (study.reference->multi_frame) {
      DYNAMUS_RETURN_IF_ERROR(
          put(*item, DCM_ReferencedFrameNumber,
              fmt::format("{}\\{}", content.rest_frame_index + 1, content.peak_frame_index + 1)));
    }
  }

  const int width = std::max(content.rest_frame.width_px, content.peak_frame.width_px);
  const int height = std::max(content.rest_frame.height_px, content.peak_frame.height_px);
  DYNAMUS_RETURN_IF_ERROR(dcmtk_status(dataset.putAndInsertUint16(DCM_SamplesPerPixel, 3), "SPP"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PhotometricInterpretation, "RGB"));
  DYNAMUS_RETURN_IF_ERROR(
      dcmtk_status(dataset.putAndInsertUint16(DCM_PlanarConfiguration, 0), "Planar"));
  DYNAMUS_RETURN_IF_ERROR(
      dcmtk_status(dataset.putAndInsertUint16(DCM_Rows, Uint16(height)), "Rows"));
  DYNAMUS_RETURN_IF_ERROR(
      dcmtk_status(dataset.putAndInsertUint16(DCM_Columns, Uint16(width)), "Columns"));
  for (const DcmTagKey& key : {DCM_BitsAllocated, DCM_BitsStored}) {
    DYNAMUS_RETURN_IF_ERROR(dcmtk_status(dataset.putAndInsertUint16(key, 8), "Bits"));
  }
  DYNAMUS_RETURN_IF_ERROR(dcmtk_status(dataset.putAndInsertUint16(DCM_HighBit, 7), "High Bit"));
  DYNAMUS_RETURN_IF_ERROR(
      dcmtk_status(dataset.putAndInsertUint16(DCM_PixelRepresentation, 0), "Pixel Repr."));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_NumberOfFrames, "2"));
  // The frames are told apart by a label, not by time.
  DYNAMUS_RETURN_IF_ERROR(dcmtk_status(
      dataset.putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameLabelVector), "FIP"));
  DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_FrameLabelVector, "REST\\PEAK"));
  const std::string pixels = frame_pixels(content.rest_frame, content.peak_frame, width, height);
  return dcmtk_status(
      dataset.putAndInsertUint8Array(DCM_PixelData, reinterpret_cast<const Uint8*>(pixels.data()),
                                     pixels.size()),
      "Pixel Data");
}

Result<SourceInstance> source_instance(DcmDataset& source) {
  SourceInstance instance;
  for (const auto& [key, value] : {std::pair{DCM_StudyInstanceUID, &instance.study_uid},
                                   std::pair{DCM_SeriesInstanceUID, &instance.series_uid},
                                   std::pair{DCM_SOPClassUID, &instance.sop_class_uid},
                                   std::pair{DCM_SOPInstanceUID, &instance.instance_uid}}) {
    OFString text;
    if (source.findAndGetOFString(key, text).bad() || text.empty()) {
      return Status(StatusCode::kInvalidData,
                    fmt::format("the source has no {}", DcmTag(key).getTagName()));
    }
    *value = text.c_str();
  }
  instance.multi_frame = std::find(std::begin(kMultiFrameClasses), std::end(kMultiFrameClasses),
                                   instance.sop_class_uid) != std::end(kMultiFrameClasses);
  return instance;
}

}  // namespace

std::string anonymized_study_uid(const imaging::CineLoop& loop) {
  return imaging::uid_from_seed(
      anonymize_salt() + "/anonymized-study/" +
      (loop.source().study_uid.empty() ? loop.source().sha256 : loop.source().study_uid));
}

std::string new_uid(const char* root) {
  char uid[100];
  return dcmGenerateUniqueIdentifier(uid, root);
}

Status dcmtk_status(const OFCondition& condition, std::string_view what) {
  if (condition.good()) return ok_status();
  return Status(StatusCode::kInternal,
                fmt::format("DCMTK cannot set {}: {}", what, condition.text()));
}

Status put(DcmItem& item, const DcmTagKey& key, const std::string& value) {
  return dcmtk_status(item.putAndInsertString(key, value.c_str()), DcmTag(key).getTagName());
}

Status put_patient_and_study(DcmItem& dataset, const ResultStudy& study) {
  if (study.source != nullptr) {
    for (const DcmTagKey& key : kCopied) {
      DcmElement* element = nullptr;
      if (study.source->findAndGetElement(key, element).good() && element != nullptr) {
        DYNAMUS_RETURN_IF_ERROR(dcmtk_status(
            dataset.insert(static_cast<DcmElement*>(element->clone()), /*replaceOld=*/true),
            DcmTag(key).getTagName()));
      }
    }
  } else {
    // A new study: nothing known but, anonymised, the pseudonym.
    for (const DcmTagKey& key : kCopied) dataset.findAndDeleteElement(key);
    if (study.anonymized) {
      // A person name with a family and a given name: ANON^<hex>.
      std::string name = study.pseudonym;
      std::replace(name.begin(), name.end(), '-', '^');
      DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PatientName, name));
      DYNAMUS_RETURN_IF_ERROR(put(dataset, DCM_PatientID, study.pseudonym));
    }
  }
  for (const DcmTagKey& key : kType2) {
    if (!dataset.tagExists(key)) DYNAMUS_RETURN_IF_ERROR(put(dataset, key, ""));
  }
  return put(dataset, DCM_StudyInstanceUID, study.study_uid);
}

Status save_atomically(DcmFileFormat& file, const std::filesystem::path& path) {
  return write_file_atomically(path, [&](const std::filesystem::path& temporary) -> Status {
    const OFCondition saved = file.saveFile(temporary.c_str(), EXS_LittleEndianExplicit,
                                            EET_ExplicitLength, EGL_recalcGL);
    if (saved.bad()) {
      return Status(StatusCode::kUnreadable,
                    fmt::format("cannot write the DICOM file: {}", saved.text()));
    }
    return ok_status();
  });
}

Result<DicomResultPaths> write_dicom_results(const std::filesystem::path& dir,
                                             const imaging::CineLoop& loop,
                                             const ReportContent& content, bool anonymize) {
  const DicomResultPaths paths{dir / "sc.dcm", dir / "sr.dcm"};
  try {
    if (!dcmDataDict.isDictionaryLoaded()) {
      return Status(StatusCode::kInternal,
                    "DCMTK's data dictionary is not loaded (is DCMDICTPATH set correctly?)");
    }
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      return Status(StatusCode::kUnreadable,
                    fmt::format("cannot create the folder: {}", error.message()), dir.string());
    }
    std::unique_ptr<DcmFileFormat> source_file;
    ResultStudy study;
    study.anonymized = anonymize;
    study.pseudonym = pseudonym(loop);
    if (anonymize) {
      study.study_uid = anonymized_study_uid(loop);
    } else if (loop.source().format == "dicom") {
      DYNAMUS_ASSIGN_OR_RETURN(source_file, load_dicom_header(loop.source().path));
      Result<SourceInstance> instance = source_instance(*source_file->getDataset());
      if (!instance.ok()) return instance.status().with_context(loop.source().path);
      study.source = source_file->getDataset();
      study.reference = *instance;
      study.study_uid = instance->study_uid;
    } else {
      study.study_uid = new_uid(SITE_STUDY_UID_ROOT);
    }

    DcmFileFormat sc;
    DYNAMUS_RETURN_IF_ERROR(build_secondary_capture(*sc.getDataset(), content, study)
                                .with_context(paths.secondary_capture.string()));
    DYNAMUS_RETURN_IF_ERROR(save_atomically(sc, paths.secondary_capture));
    DYNAMUS_RETURN_IF_ERROR(
        write_structured_report(paths.structured_report, content, study, *sc.getDataset()));
    return paths;
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kTooLarge, "out of memory while writing DICOM", dir.string());
  }
}

}  // namespace dynamus::reporting
