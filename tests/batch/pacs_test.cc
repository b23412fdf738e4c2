// A PACS as batch input without a PACS: the manifests of Study and Series Instance UIDs, the
// picking rule, and a DICOMweb server that is not there (a clear error naming the URL, no crash,
// no output). The round trip against a real Orthanc is pacs_round_trip_test.sh.
#include "dynamus/batch/pacs.h"

#include <arpa/inet.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "temp_dir.h"

namespace dynamus::batch {
namespace {

namespace fs = std::filesystem;

// A loopback port nothing listens on: bound by the kernel's choice, then closed.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// A header-only instance: what the picking rule reads.
void write_instance(const fs::path& file, const char* modality, const char* frames,
                    const char* series_uid = "1.2.9.1") {
  DcmFileFormat format;
  DcmDataset& dataset = *format.getDataset();
  dataset.putAndInsertString(DCM_SeriesInstanceUID, series_uid);
  dataset.putAndInsertString(DCM_SOPClassUID, "1.2.840.10008.5.1.4.1.1.3.1");
  dataset.putAndInsertString(DCM_SOPInstanceUID, "1.2.3.4");
  dataset.putAndInsertString(DCM_Modality, modality);
  if (frames != nullptr) dataset.putAndInsertString(DCM_NumberOfFrames, frames);
  ASSERT_TRUE(format.saveFile(file.c_str(), EXS_LittleEndianExplicit).good()) << file;
}

TEST(PickCineInstances, MultiFrameUltrasoundFirst) {
  testing::TempDir dir;
  write_instance(dir / "0001.dcm", "US", "1");
  write_instance(dir / "0002.dcm", "US", "40");
  write_instance(dir / "0003.dcm", "OT", "2");  // a Secondary Capture pushed back earlier
  write_instance(dir / "0004.dcm", "US", "12");
  write_instance(dir / "0005.dcm", "SR", nullptr);
  std::ofstream(dir / "0006.dcm") << "not DICOM";
  EXPECT_EQ(pick_cine_instances(dir.path()),
            (std::vector<fs::path>{dir / "0002.dcm", dir / "0004.dcm"}));
  // Without a multi-frame US instance: any multi-frame one; without that: the largest file.
  fs::remove(dir / "0002.dcm");
  fs::remove(dir / "0004.dcm");
  EXPECT_EQ(pick_cine_instances(dir.path()), std::vector<fs::path>{dir / "0003.dcm"});
  fs::remove(dir / "0003.dcm");
  std::ofstream(dir / "0006.dcm") << std::string(4096, 'x');
  EXPECT_EQ(pick_cine_instances(dir.path()), std::vector<fs::path>{dir / "0006.dcm"});
}

TEST(PickCineInstances, OnlyTheAskedSeries) {
  testing::TempDir dir;
  write_instance(dir / "0001.dcm", "US", "40", "1.2.9.1");
  write_instance(dir / "0002.dcm", "US", "30", "1.2.9.2");
  write_instance(dir / "0003.dcm", "SR", nullptr, "1.2.9.3");
  EXPECT_EQ(pick_cine_instances(dir.path(), "1.2.9.2"), std::vector<fs::path>{dir / "0002.dcm"});
  EXPECT_EQ(pick_cine_instances(dir.path()),
            (std::vector<fs::path>{dir / "0001.dcm", dir / "0002.dcm"}));
  // A series without a cine: its own largest file (analyze then says why), not another series'.
  EXPECT_EQ(pick_cine_instances(dir.path(), "1.2.9.3"), std::vector<fs::path>{dir / "0003.dcm"});
  EXPECT_TRUE(pick_cine_instances(dir.path(), "1.2.9.4").empty());
}

TEST(PacsManifest, StudyAndSeriesColumnsAmongOthers) {
  testing::TempDir dir;
  std::ofstream(dir / "a.csv")
      << "\xEF\xBB\xBFpatient,Study_UID\r\np1,1.2.3\r\np2,\r\np3,\"1.2.4\"\n";
  std::ofstream(dir / "s.csv") << "series_uid,study_uid\n1.2.5.1,\n1.2.6.1,1.2.6\n";
  std::ofstream(dir / "paths.csv") << "path\nx.dcm\n";
  std::ofstream(dir / "b.csv") << "study_uid\n1.2.3/../x\n";
  EXPECT_TRUE(is_pacs_manifest(dir / "a.csv"));
  EXPECT_TRUE(is_pacs_manifest(dir / "s.csv"));
  EXPECT_FALSE(is_pacs_manifest(dir / "paths.csv"));
  const Result<std::vector<PacsRequest>> studies = read_pacs_manifest(dir / "a.csv");
  ASSERT_TRUE(studies.ok()) << studies.status().to_string();
  EXPECT_EQ(*studies, (std::vector<PacsRequest>{{"1.2.3", ""}, {"1.2.4", ""}}));
  const Result<std::vector<PacsRequest>> series = read_pacs_manifest(dir / "s.csv");
  ASSERT_TRUE(series.ok()) << series.status().to_string();
  EXPECT_EQ(*series, (std::vector<PacsRequest>{{"", "1.2.5.1"}, {"1.2.6", "1.2.6.1"}}));
  // A UID becomes a folder name: anything but digits and dots is refused.
  const Result<std::vector<PacsRequest>> bad = read_pacs_manifest(dir / "b.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidData);
  EXPECT_EQ(bad.status().context(), (dir / "b.csv").string());
}

TEST(DicomWebClient, NoServerIsAnErrorNamingTheUrl) {
  testing::TempDir dir;
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/dicom-web";
  const DicomWebClient client(DicomWebOptions{url + "/"});
  const Result<std::vector<std::string>> studies = client.query_studies();
  ASSERT_FALSE(studies.ok());
  EXPECT_EQ(studies.status().code(), StatusCode::kUnreadable);
  EXPECT_EQ(studies.status().context(), url + "/studies");
  const Status stored = client.store({});
  EXPECT_EQ(stored.code(), StatusCode::kUnreadable);
  // A failed retrieval leaves nothing in the cache, and removes what a killed one left.
  fs::create_directories(dir / "pacs" / ".9.9.partial");
  const Result<std::vector<fs::path>> inputs =
      fetch_pacs_inputs(client, {{"1.2.3", ""}}, dir / "pacs", nullptr);
  ASSERT_FALSE(inputs.ok());
  EXPECT_EQ(inputs.status().context(), url + "/studies/1.2.3");
  EXPECT_TRUE(fs::is_empty(dir / "pacs"));
  // A series without its study: the study is looked up first (QIDO-RS at the series level).
  const Result<std::vector<fs::path>> by_series =
      fetch_pacs_inputs(client, {{"", "1.2.5.1"}}, dir / "pacs", nullptr);
  ASSERT_FALSE(by_series.ok());
  EXPECT_EQ(by_series.status().context(), url + "/series?SeriesInstanceUID=1.2.5.1");
}

}  // namespace
}  // namespace dynamus::batch
