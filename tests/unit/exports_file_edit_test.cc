// Edits of an exports file's text that keep comments and the other entries as written.
#include "common/exports/exports_file_edit.h"

#include "gtest/gtest.h"

namespace nfsuite::exports {
namespace {

constexpr char kFile[] =
    "# shared with the lab\n"
    "/srv/a  10.0.0.0/8(rw)   # a comment\n"
    "\n"
    "/srv/b  host1(ro) \\\n"
    "        host2(rw)\n"
    "/srv/c  *\n";

TEST(ExportsFileEditTest, AnEntrySpansItsContinuationLines) {
  EXPECT_EQ(EntryLineSpan(kFile, 2).last_line, 2);
  EXPECT_EQ(EntryLineSpan(kFile, 4).last_line, 5);
  EXPECT_EQ(EntryLineSpan(kFile, 6).last_line, 6);
}

TEST(ExportsFileEditTest, BackslashesInCommentsAndEscapesDoNotContinue) {
  EXPECT_EQ(EntryLineSpan("/a *  # ends here \\\n/b *\n", 1).last_line, 1);
  EXPECT_EQ(EntryLineSpan("/a *\\\r\n host(rw)\n", 1).last_line, 2);
  EXPECT_EQ(EntryLineSpan("/a\\040b *\n/c *\n", 1).last_line, 1);
  // A quoted '#' is no comment: the trailing backslash still joins.
  EXPECT_EQ(EntryLineSpan("\"/a#b\" * \\\n  host(rw)\n", 1).last_line, 2);
}

TEST(ExportsFileEditTest, ReplacingAnEntryKeepsEverythingElse) {
  EXPECT_EQ(ReplaceEntry(kFile, 4, "/srv/b host1(rw)"),
            "# shared with the lab\n"
            "/srv/a  10.0.0.0/8(rw)   # a comment\n"
            "\n"
            "/srv/b host1(rw)\n"
            "/srv/c  *\n");
}

TEST(ExportsFileEditTest, RemovingAnEntryTakesItsContinuationLinesToo) {
  EXPECT_EQ(ReplaceEntry(kFile, 4, ""),
            "# shared with the lab\n"
            "/srv/a  10.0.0.0/8(rw)   # a comment\n"
            "\n"
            "/srv/c  *\n");
  EXPECT_EQ(ReplaceEntry(kFile, 2, ""),
            "# shared with the lab\n"
            "\n"
            "/srv/b  host1(ro) \\\n"
            "        host2(rw)\n"
            "/srv/c  *\n");
}

TEST(ExportsFileEditTest, TheLastLineWithoutNewlineCanBeReplaced) {
  EXPECT_EQ(ReplaceEntry("/a *\n/b *", 2, "/b host(rw)"), "/a *\n/b host(rw)\n");
  EXPECT_EQ(ReplaceEntry("/a *\n/b *", 2, ""), "/a *\n");
}

TEST(ExportsFileEditTest, AppendingSuppliesAMissingNewline) {
  EXPECT_EQ(AppendEntry("", "/a *(rw)"), "/a *(rw)\n");
  EXPECT_EQ(AppendEntry("/a *", "/b *(rw)"), "/a *\n/b *(rw)\n");
  EXPECT_EQ(AppendEntry("# only a comment\n", "/b *(rw)"), "# only a comment\n/b *(rw)\n");
}

}  // namespace
}  // namespace nfsuite::exports
