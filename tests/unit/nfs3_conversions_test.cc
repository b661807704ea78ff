#include "service/nfs/nfs3_conversions.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace nfsuite::nfs {
namespace {

TEST(NameError, RefusesWhatLinuxRefuses) {
  EXPECT_EQ(NameError("file"), std::nullopt);
  EXPECT_EQ(NameError(std::string(255, 'n')), std::nullopt);
  EXPECT_EQ(NameError(std::string(256, 'n')), Nfsstat3::kNameTooLong);
  EXPECT_EQ(NameError(""), Nfsstat3::kAcces);
  EXPECT_EQ(NameError("a/b"), Nfsstat3::kAcces);
  EXPECT_EQ(NameError(std::string("a\0b", 3)), Nfsstat3::kAcces);
  EXPECT_EQ(NameError(".."), std::nullopt);  // LOOKUP takes it
  EXPECT_EQ(NewNameError("..", Nfsstat3::kExist), Nfsstat3::kExist);
  EXPECT_EQ(NewNameError(".", Nfsstat3::kInval), Nfsstat3::kInval);
  EXPECT_EQ(NewNameError("a/b", Nfsstat3::kExist), Nfsstat3::kAcces);
}

rpc::Credentials SysCredentials(uint32_t uid, uint32_t gid, std::vector<uint32_t> groups) {
  rpc::Credentials credentials;
  credentials.flavor = rpc::AuthFlavor::kSys;
  credentials.uid = uid;
  credentials.gid = gid;
  credentials.gids.assign(groups.begin(), groups.end());
  return credentials;
}

std::vector<uint32_t> GroupsOf(const storage::Identity& who) {
  return std::vector<uint32_t>(who.groups.begin(), who.groups.end());
}

TEST(IdentityOf, RootSquashMapsUidAndGidZeroOnly) {
  const SquashPolicy squash;  // root_squash, 65534
  storage::Identity who = IdentityOf(SysCredentials(0, 0, {0, 4}), squash);
  EXPECT_EQ(who.uid, 65534u);
  EXPECT_EQ(who.gid, 65534u);
  EXPECT_EQ(GroupsOf(who), (std::vector<uint32_t>{65534, 4}));
  // A user in group 0 loses that group, as with Linux nfsd.
  who = IdentityOf(SysCredentials(1000, 0, {100, 0}), squash);
  EXPECT_EQ(who.uid, 1000u);
  EXPECT_EQ(who.gid, 65534u);
  EXPECT_EQ(GroupsOf(who), (std::vector<uint32_t>{100, 65534}));
  who = IdentityOf(SysCredentials(1000, 100, {100, 7}), squash);
  EXPECT_EQ(who.uid, 1000u);
  EXPECT_EQ(who.gid, 100u);
  EXPECT_EQ(GroupsOf(who), (std::vector<uint32_t>{100, 7}));
  who = IdentityOf(SysCredentials(0, 5, {}), {exports::SquashMode::kRoot, 99, 98});
  EXPECT_EQ(who.uid, 99u);
  EXPECT_EQ(who.gid, 5u);
}

TEST(IdentityOf, NoRootSquashKeepsRoot) {
  const storage::Identity who =
      IdentityOf(SysCredentials(0, 0, {0, 4}), {exports::SquashMode::kNone, 65534, 65534});
  EXPECT_EQ(who.uid, 0u);
  EXPECT_EQ(who.gid, 0u);
  EXPECT_EQ(GroupsOf(who), (std::vector<uint32_t>{0, 4}));
}

TEST(IdentityOf, AllSquashMakesEveryoneAnonymousWithoutGroups) {
  const SquashPolicy all{exports::SquashMode::kAll, 1234, 4321};
  for (const rpc::Credentials& credentials :
       {SysCredentials(0, 0, {0}), SysCredentials(1000, 100, {100, 7})}) {
    const storage::Identity who = IdentityOf(credentials, all);
    EXPECT_EQ(who.uid, 1234u);
    EXPECT_EQ(who.gid, 4321u);
    EXPECT_TRUE(who.groups.empty());
  }
}

TEST(IdentityOf, AuthNoneIsAnonymousWhateverThePolicy) {
  for (exports::SquashMode mode :
       {exports::SquashMode::kRoot, exports::SquashMode::kNone, exports::SquashMode::kAll}) {
    const storage::Identity who = IdentityOf(rpc::Credentials{}, {mode, 99, 98});
    EXPECT_EQ(who.uid, 99u);
    EXPECT_EQ(who.gid, 98u);
    EXPECT_TRUE(who.groups.empty());
  }
}

TEST(SquashPolicyOf, TakesTheRulesOptions) {
  exports::ExportOptions options;
  options.squash = exports::SquashMode::kAll;
  options.anon_uid = 12;
  options.anon_gid = 34;
  const SquashPolicy policy = SquashPolicyOf(options);
  EXPECT_EQ(policy.mode, exports::SquashMode::kAll);
  EXPECT_EQ(policy.anonymous_uid, 12u);
  EXPECT_EQ(policy.anonymous_gid, 34u);
}

storage::Attributes FileOf(uint32_t uid, uint32_t gid, uint32_t mode,
                           storage::FileType type = storage::FileType::kRegular) {
  storage::Attributes attributes;
  attributes.type = type;
  attributes.uid = uid;
  attributes.gid = gid;
  attributes.mode = mode;
  return attributes;
}

constexpr uint32_t kAll = kAccess3Read | kAccess3Lookup | kAccess3Modify | kAccess3Extend |
                          kAccess3Delete | kAccess3Execute;

TEST(GrantedAccess, FollowsOwnerGroupOtherBits) {
  const storage::Identity user{1000, 100, {}};
  EXPECT_EQ(GrantedAccess(FileOf(1000, 1, 0600), user, kAll, false),
            kAccess3Read | kAccess3Modify | kAccess3Extend);
  EXPECT_EQ(GrantedAccess(FileOf(1001, 1, 0600), user, kAll, false), 0u);
  EXPECT_EQ(GrantedAccess(FileOf(1001, 100, 0640), user, kAll, false), kAccess3Read);
  const storage::Identity in_group{1000, 100, {7}};
  EXPECT_EQ(GrantedAccess(FileOf(1001, 7, 0750), in_group, kAll, false),
            kAccess3Read | kAccess3Execute);
  EXPECT_EQ(GrantedAccess(FileOf(1001, 7, 0755, storage::FileType::kDirectory), user, kAll, false),
            kAccess3Read | kAccess3Lookup);
  // Only what was asked is answered.
  EXPECT_EQ(GrantedAccess(FileOf(1000, 1, 0777), user, kAccess3Read, false), kAccess3Read);
}

TEST(GrantedAccess, RootAndReadOnlyExports) {
  const storage::Identity root{0, 0, {}};
  EXPECT_EQ(GrantedAccess(FileOf(1001, 1, 0600), root, kAll, false),
            kAccess3Read | kAccess3Modify | kAccess3Extend);  // no execute bit anywhere
  EXPECT_EQ(GrantedAccess(FileOf(1001, 1, 0700, storage::FileType::kDirectory), root, kAll, false),
            kAll & ~kAccess3Execute);
  const storage::Identity user{1000, 100, {}};
  EXPECT_EQ(GrantedAccess(FileOf(1000, 1, 0700, storage::FileType::kDirectory), user, kAll, true),
            kAccess3Read | kAccess3Lookup);
}

TEST(ToFattr3, ClampsTimesOutsideTheUnsignedRange) {
  storage::Attributes attributes;
  attributes.mtime = {-5, 7};
  attributes.ctime = {int64_t{1} << 40, 0};
  attributes.mode = 0104755;  // type bits never leak into the mode
  const Fattr3 fattr = ToFattr3(attributes);
  EXPECT_EQ(fattr.mtime.seconds, 0u);
  EXPECT_EQ(fattr.mtime.nseconds, 7u);
  EXPECT_EQ(fattr.ctime.seconds, 0xffffffffu);
  EXPECT_EQ(fattr.mode, 04755u);
}

}  // namespace
}  // namespace nfsuite::nfs
