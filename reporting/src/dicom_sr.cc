// The TID 1500 Measurement Report (Enhanced SR) through DCMTK's dcmsr/cmr template classes.
#include <dcmtk/config/osconfig.h>  // must precede the other DCMTK headers
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/codes/ucum.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <fmt/format.h>

#include "dicom_common.h"
#include "dynamus/core/version.h"
#include "dynamus/reporting/dicom_results.h"

namespace dynamus::reporting {
namespace {

constexpr const char* kSrSeriesNumber = "902";

DSRCodedEntryValue dynamus_code(const char* value, const char* meaning) {
  return DSRCodedEntryValue(value, kDynamusCodingScheme, meaning);
}

// Concept names. No DCM, SCT or LOINC code names these quantities, so they are private
// (docs/reports.md lists them); finding sites and units are standard.
DSRCodedEntryValue concept_name(Quantity quantity) {
  switch (quantity) {
    case Quantity::kGapRest:
      return dynamus_code("GAP-REST", "Tendon tear gap at rest");
    case Quantity::kGapPeak:
      return dynamus_code("GAP-PEAK", "Tendon tear gap at peak contraction");
    case Quantity::kSeparationIncrease:
      return dynamus_code("GAP-INCREASE", "Tendon tear gap increase with contraction");
    case Quantity::kTendonThickness:
      return dynamus_code("TT-MEDIAN", "Tendon thickness, median");
    case Quantity::kTendonThicknessRest:
      return dynamus_code("TT-REST", "Tendon thickness at rest");
    case Quantity::kTendonThicknessPeak:
      return dynamus_code("TT-PEAK", "Tendon thickness at peak contraction");
    case Quantity::kTendonThicknessMax:
      return dynamus_code("TT-MAX", "Tendon thickness, maximum");
    case Quantity::kThickeningMax:
      return dynamus_code("THICKENING", "Focal tendon thickening, thickness");
    case Quantity::kThickeningRatio:
      return dynamus_code("THICKENING-RATIO", "Focal tendon thickening to intact tendon ratio");
    case Quantity::kTearScore:
      return dynamus_code("TEAR-SCORE", "Tendon tear score");
    case Quantity::kScoreDiscontinuity:
      return dynamus_code("SCORE-CONTINUITY", "Tear score component, loss of continuity");
    case Quantity::kScoreHypoechogenicity:
      return dynamus_code("SCORE-ECHO", "Tear score component, hypoechogenicity");
    case Quantity::kScoreSeparation:
      return dynamus_code("SCORE-SEPARATION", "Tear score component, separation");
    case Quantity::kMuscleThicknessRest:
      return dynamus_code("MT-REST", "Muscle thickness at rest");
    case Quantity::kMuscleThicknessPeak:
      return dynamus_code("MT-PEAK", "Muscle thickness at peak contraction");
    case Quantity::kPennationRest:
      return dynamus_code("PENN-REST", "Pennation angle at rest");
    case Quantity::kPennationPeak:
      return dynamus_code("PENN-PEAK", "Pennation angle at peak contraction");
  }
  return {};
}

DSRCodedEntryValue unit_code(const std::string& unit) {
  if (unit == "mm") return CODE_UCUM_Millimeter;
  if (unit == "deg") return DSRCodedEntryValue("deg", "UCUM", "degree");
  if (unit == "{ratio}") return DSRCodedEntryValue("{ratio}", "UCUM", "ratio");
  return DSRCodedEntryValue("1", "UCUM", "no units");
}

enum class Group { kTear, kTendon, kMuscle };

Group group_of(Quantity q) {
  switch (q) {
    case Quantity::kGapRest:
    case Quantity::kGapPeak:
    case Quantity::kSeparationIncrease:
    case Quantity::kTearScore:
    case Quantity::kScoreDiscontinuity:
    case Quantity::kScoreHypoechogenicity:
    case Quantity::kScoreSeparation:
      return Group::kTear;
    case Quantity::kMuscleThicknessRest:
    case Quantity::kMuscleThicknessPeak:
    case Quantity::kPennationRest:
    case Quantity::kPennationPeak:
      return Group::kMuscle;
    default:
      return Group::kTendon;
  }
}

struct GroupInfo {
  Group group;
  const char* tracking_id;
  DSRCodedEntryValue finding;
  DSRCodedEntryValue site;
};

std::vector<GroupInfo> groups() {
  const DSRCodedEntryValue tendon("13024002", "SCT", "Tendon structure");
  return {
      {Group::kTear, "tendon tear", dynamus_code("TEAR", "Tendon tear candidate"), tendon},
      {Group::kTendon, "tendon thickness", dynamus_code("TENDON", "Tendon thickness"), tendon},
      {Group::kMuscle, "muscle", dynamus_code("MUSCLE", "Muscle architecture"),
       DSRCodedEntryValue("127954009", "SCT", "Skeletal muscle structure")},
  };
}

Status cmr(const OFCondition& condition, std::string_view what) {
  if (condition.good()) return ok_status();
  return Status(StatusCode::kInternal,
                fmt::format("DCMTK refuses the SR's {}: {}", what, condition.text()));
}

// The image a value was measured on: the source frame, or the SC frame showing it.
DSRImageReferenceValue measured_on(const Measurement& m, const ReportContent& content,
                                   const ResultStudy& study, DcmDataset& sc) {
  if (study.reference) {
    DSRImageReferenceValue image(study.reference->sop_class_uid, study.reference->instance_uid);
    if (m.frame >= 0 && study.reference->multi_frame) {
      image.getFrameList().addItem(Sint32(m.frame + 1));
    }
    return image;
  }
  OFString sop_class, instance;
  sc.findAndGetOFString(DCM_SOPClassUID, sop_class);
  sc.findAndGetOFString(DCM_SOPInstanceUID, instance);
  DSRImageReferenceValue image(sop_class, instance);
  if (m.frame == content.rest_frame_index)
    image.getFrameList().addItem(1);
  else if (m.frame == content.peak_frame_index)
    image.getFrameList().addItem(2);
  return image;
}

Status fill_report(CMR_TID1500& report, const ReportContent& content, const ResultStudy& study,
                   DcmDataset& sc) {
  DYNAMUS_RETURN_IF_ERROR(cmr(report.setLanguage(CID5000_Languages::English), "language"));
  DYNAMUS_RETURN_IF_ERROR(cmr(report.getObservationContext().addDeviceObserver(
                                  new_uid(SITE_INSTANCE_UID_ROOT), "dynamus", "dynamus",
                                  std::string("dynamus ") + kVersion),
                              "device observer"));
  DYNAMUS_RETURN_IF_ERROR(
      cmr(report.addProcedureReported(DSRCodedEntryValue("16310003", "SCT", "Ultrasonography")),
          "procedure reported"));
  TID1600_ImageLibrary& library = report.getImageLibrary();
  DYNAMUS_RETURN_IF_ERROR(cmr(library.createNewImageLibrary(), "image library"));
  DYNAMUS_RETURN_IF_ERROR(cmr(library.addImageGroup(), "image library"));
  auto entry = [&](DcmItem& dataset, TID1600_ImageLibrary::AddImageMode mode) {
    const OFCondition added = library.addImageEntry(dataset, mode);
    return added == CMR_EC_NoImageLibraryEntryDescriptorsToBeAdded ? EC_Normal : added;
  };
  if (study.source != nullptr)
    DYNAMUS_RETURN_IF_ERROR(
        cmr(entry(*study.source, TID1600_ImageLibrary::withAllDescriptors), "source image"));
  DYNAMUS_RETURN_IF_ERROR(
      cmr(entry(sc, TID1600_ImageLibrary::withoutDescriptors), "secondary capture"));

  bool first_group = true;
  for (const GroupInfo& info : groups()) {
    bool started = false;
    for (const Measurement& m : content.measurements) {
      if (group_of(m.quantity) != info.group || !m.value) continue;
      if (!started) {
        DYNAMUS_RETURN_IF_ERROR(
            cmr(report.addIndividualMeasurements(/*checkEmpty=*/first_group), "measurement group"));
        first_group = false;
        started = true;
        CMR_TID1501_in_TID1500& group = report.getIndividualMeasurements();
        DYNAMUS_RETURN_IF_ERROR(cmr(group.setTrackingIdentifier(info.tracking_id), "tracking id"));
        DYNAMUS_RETURN_IF_ERROR(cmr(
            group.setTrackingUniqueIdentifier(new_uid(SITE_INSTANCE_UID_ROOT)), "tracking uid"));
        DYNAMUS_RETURN_IF_ERROR(cmr(group.setFinding(info.finding), "finding"));
        DYNAMUS_RETURN_IF_ERROR(cmr(group.addFindingSite(info.site), "finding site"));
      }
      CMR_TID1501_in_TID1500& group = report.getIndividualMeasurements();
      const CMR_TID1501_in_TID1500::MeasurementValue value(
          fmt::format("{:.4f}", *m.value).c_str(),
          CID7181_AbstractMultiDimensionalImageModelComponentUnits(unit_code(m.unit)));
      DYNAMUS_RETURN_IF_ERROR(cmr(group.addMeasurement(CID7469_GenericIntensityAndSizeMeasurements(
                                                           concept_name(m.quantity)),
                                                       value, /*checkEmpty=*/false),
                                  m.label));
      DYNAMUS_RETURN_IF_ERROR(
          cmr(group.getMeasurement().addImage(CODE_DCM_SourceOfMeasurement,
                                              measured_on(m, content, study, sc)),
              "source of measurement"));
    }
  }
  return ok_status();
}

Status add_evidence(DSRDocument& document, const ResultStudy& study, DcmDataset& sc) {
  DSRSOPInstanceReferenceList& evidence = document.getCurrentRequestedProcedureEvidence();
  if (study.reference) {
    DYNAMUS_RETURN_IF_ERROR(
        cmr(evidence.addItem(study.reference->study_uid, study.reference->series_uid,
                             study.reference->sop_class_uid, study.reference->instance_uid),
            "evidence"));
  }
  return cmr(evidence.addItem(sc), "evidence");
}

}  // namespace

Status write_structured_report(const std::filesystem::path& path, const ReportContent& content,
                               const ResultStudy& study, DcmDataset& sc) {
  const std::string context = path.string();
  CMR_TID1500 report(CMR_CID7021::ImagingMeasurementReport);
  DYNAMUS_RETURN_IF_ERROR(fill_report(report, content, study, sc).with_context(context));
  if (!report.isValid()) {
    return Status(StatusCode::kInternal, "the TID 1500 report is incomplete", context);
  }
  DSRDocument document;
  DYNAMUS_RETURN_IF_ERROR(
      cmr(document.setTreeFromRootTemplate(report, /*expandTree=*/OFTrue), "content tree")
          .with_context(context));
  DYNAMUS_RETURN_IF_ERROR(cmr(document.createNewSeriesInStudy(study.study_uid.c_str()), "series")
                              .with_context(context));
  DYNAMUS_RETURN_IF_ERROR(cmr(document.setSeriesNumber(kSrSeriesNumber), "series number"));
  DYNAMUS_RETURN_IF_ERROR(cmr(document.setSeriesDescription("dynamus measurements"), "series"));
  DYNAMUS_RETURN_IF_ERROR(cmr(document.setInstanceNumber("1"), "instance number"));
  DYNAMUS_RETURN_IF_ERROR(cmr(document.setManufacturer("dynamus"), "manufacturer"));
  DYNAMUS_RETURN_IF_ERROR(
      cmr(document.setSoftwareVersions((std::string("dynamus ") + kVersion).c_str()), "version"));
  DYNAMUS_RETURN_IF_ERROR(cmr(document.getCodingSchemeIdentification().addItem(
                                  kDynamusCodingScheme, "", "dynamus measurement codes",
                                  "dynamus project (docs/reports.md)"),
                              "coding scheme"));
  DYNAMUS_RETURN_IF_ERROR(add_evidence(document, study, sc).with_context(context));

  DcmFileFormat file;
  DYNAMUS_RETURN_IF_ERROR(
      cmr(document.write(*file.getDataset()), "data set").with_context(context));
  DYNAMUS_RETURN_IF_ERROR(put_patient_and_study(*file.getDataset(), study).with_context(context));
  return save_atomically(file, path);
}

}  // namespace dynamus::reporting
