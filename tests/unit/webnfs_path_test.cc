#include "service/nfs/webnfs_path.h"

#include <string>
#include <variant>
#include <vector>

#include "gtest/gtest.h"

namespace nfsuite::nfs {
namespace {

using Components = std::vector<std::string>;

Components ComponentsOf(const std::string& path) {
  auto result = PublicPathComponents(path);
  EXPECT_TRUE(std::holds_alternative<Components>(result)) << "\"" << path << "\" refused";
  return std::holds_alternative<Components>(result) ? std::get<Components>(result) : Components{};
}

Nfsstat3 ErrorOf(const std::string& path) {
  auto result = PublicPathComponents(path);
  EXPECT_TRUE(std::holds_alternative<Nfsstat3>(result)) << "\"" << path << "\" accepted";
  return std::holds_alternative<Nfsstat3>(result) ? std::get<Nfsstat3>(result) : Nfsstat3::kOk;
}

TEST(PublicPathComponents, SplitsCanonicalPathsAtSlashes) {
  EXPECT_EQ(ComponentsOf("a/b/c"), (Components{"a", "b", "c"}));
  EXPECT_EQ(ComponentsOf("/a/b/c"), (Components{"a", "b", "c"}));
  EXPECT_EQ(ComponentsOf("a//b/"), (Components{"a", "b"}));
  EXPECT_EQ(ComponentsOf("file"), (Components{"file"}));
  EXPECT_EQ(ComponentsOf(""), Components{});
  EXPECT_EQ(ComponentsOf("/"), Components{});
  EXPECT_EQ(ComponentsOf("//"), Components{});
  // Dot names are the backend's to resolve, inside the export.
  EXPECT_EQ(ComponentsOf("../a/./b"), (Components{"..", "a", ".", "b"}));
}

TEST(PublicPathComponents, DecodesPercentEscapes) {
  EXPECT_EQ(ComponentsOf("a%20b/c%25d"), (Components{"a b", "c%d"}));
  EXPECT_EQ(ComponentsOf("%41%62"), (Components{"Ab"}));
  EXPECT_EQ(ComponentsOf("%2e%2E"), (Components{".."}));
  EXPECT_EQ(ComponentsOf("%c3%a9t%C3%A9"), (Components{"\xc3\xa9t\xc3\xa9"}));
  // A '%' that introduces no escape is itself.
  EXPECT_EQ(ComponentsOf("100%"), (Components{"100%"}));
  EXPECT_EQ(ComponentsOf("a%2"), (Components{"a%2"}));
  EXPECT_EQ(ComponentsOf("%zz/%g1"), (Components{"%zz", "%g1"}));
  EXPECT_EQ(ComponentsOf("%%41"), (Components{"%A"}));
}

TEST(PublicPathComponents, NativePathsKeepPercentSigns) {
  EXPECT_EQ(ComponentsOf("\x80"
                         "a%20b/c"),
            (Components{"a%20b", "c"}));
  EXPECT_EQ(ComponentsOf("\x80/x//y"), (Components{"x", "y"}));
  EXPECT_EQ(ComponentsOf("\x80"), Components{});
  // Only a first byte of 0x80 marks a native path.
  EXPECT_EQ(ComponentsOf("a/\x80"
                         "b"),
            (Components{"a",
                        "\x80"
                        "b"}));
}

TEST(PublicPathComponents, RefusesNamesNoFileCanHave) {
  EXPECT_EQ(ErrorOf("a%2fb"), Nfsstat3::kAcces);  // a '/' inside a component
  EXPECT_EQ(ErrorOf("a/%2F"), Nfsstat3::kAcces);
  EXPECT_EQ(ErrorOf("a/b%00c"), Nfsstat3::kAcces);
  EXPECT_EQ(ErrorOf(std::string("a/b\0c", 5)), Nfsstat3::kAcces);
  EXPECT_EQ(ErrorOf("a/" + std::string(256, 'n')), Nfsstat3::kNameTooLong);
  EXPECT_EQ(ComponentsOf("a/" + std::string(255, 'n')).size(), 2u);
  // The limit applies to the decoded name: 257 bytes written, 255 decoded.
  EXPECT_EQ(ComponentsOf("%41" + std::string(254, 'n')).front().size(), 255u);
}

}  // namespace
}  // namespace nfsuite::nfs
