// The multipart/related envelope of WADO-RS answers and STOW-RS requests: the boundary from the
// Content-Type, parts split exactly (bytes that look like delimiters inside a part stay), and
// malformed bodies rejected rather than truncated.
#include "dynamus/batch/multipart.h"

#include <gtest/gtest.h>

namespace dynamus::batch {
namespace {

TEST(MultipartBoundary, QuotedUnquotedAndMissing) {
  EXPECT_EQ(multipart_boundary("multipart/related; type=\"application/dicom\"; boundary=abc"),
            "abc");
  EXPECT_EQ(multipart_boundary("Multipart/Related;boundary=\"a;b=C\"; type=application/dicom"),
            "a;b=C");
  EXPECT_EQ(multipart_boundary("multipart/related; boundary=x-1 ; start=y"), "x-1");
  EXPECT_FALSE(multipart_boundary("application/dicom+json"));
  EXPECT_FALSE(multipart_boundary("multipart/related; type=\"application/dicom\""));
  EXPECT_FALSE(multipart_boundary("multipart/related; boundary=\"open"));
}

TEST(SplitMultipart, PartsWithPreambleEpilogueAndDelimiterLookalikes) {
  const std::string second("\0\r\n--b\r\n--bx", 12);  // binary, a near-delimiter without CRLF
  const std::string body =
      "preamble\r\n--bb\r\nContent-Type: application/dicom\r\n"
      "Content-Length: 3\r\n\r\nONE\r\n--bb \t\r\n\r\n" +
      second + "\r\n--bb--\r\nepilogue";
  const Result<std::vector<std::string>> parts = split_multipart(body, "bb");
  ASSERT_TRUE(parts.ok()) << parts.status().to_string();
  ASSERT_EQ(parts->size(), 2U);
  EXPECT_EQ((*parts)[0], "ONE");
  EXPECT_EQ((*parts)[1], second);
}

TEST(SplitMultipart, JoinedPartsComeBackUnchanged) {
  // A part with a NUL, a blank line and a dash pair inside, all of the literal but its terminator.
  constexpr char kDicomLike[] = "DICM\0\x01\r\n\r\n--";
  const std::vector<std::string> parts = {std::string(kDicomLike, sizeof kDicomLike - 1), "", "x"};
  const std::string boundary = make_boundary(parts);
  const std::string body = join_multipart(parts, boundary, "application/dicom");
  const Result<std::vector<std::string>> split = split_multipart(body, boundary);
  ASSERT_TRUE(split.ok()) << split.status().to_string();
  EXPECT_EQ(*split, parts);
}

TEST(SplitMultipart, MalformedBodiesAreInvalidData) {
  for (const char* body : {"", "no delimiter at all", "--b\r\nContent-Type: x\r\n\r\ndata",
                           "--b\r\nheaders without a blank line\r\n--b--", "--bjunk\r\n\r\nx"}) {
    const Result<std::vector<std::string>> parts = split_multipart(body, "b");
    ASSERT_FALSE(parts.ok()) << body;
    EXPECT_EQ(parts.status().code(), StatusCode::kInvalidData) << body;
  }
}

}  // namespace
}  // namespace dynamus::batch
