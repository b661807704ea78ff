// Tests of portmapd's registration bookkeeping: the table, its warm-start file, the liveness
// probe, and universal/transport address translation.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/portmap/address_translation.h"
#include "service/portmap/local_port_probe.h"
#include "service/portmap/registration_store.h"
#include "service/portmap/registration_table.h"

namespace nfsuite::portmap {
namespace {

Registration Reg(uint32_t program, uint32_t version, std::string netid, std::string address,
                 std::string owner = "test", bool permanent = false) {
  Registration registration;
  registration.program = program;
  registration.version = version;
  registration.netid = std::move(netid);
  registration.address = std::move(address);
  registration.owner = std::move(owner);
  registration.permanent = permanent;
  return registration;
}

// A directory under /tmp, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/nfsuite_portmap_test.XXXXXX";
    const char* made = mkdtemp(name);
    EXPECT_NE(made, nullptr) << std::strerror(errno);
    if (made != nullptr) path_ = made;
  }
  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  void Write(const std::string& name, const std::string& contents) const {
    std::ofstream out(File(name), std::ios::binary | std::ios::trunc);
    out << contents;
  }

 private:
  std::string path_;
};

// ---------------------------------------------------------------------------------------------
// RegistrationTable.

TEST(RegistrationTable, SetRefusesADuplicate) {
  RegistrationTable table;
  EXPECT_TRUE(table.Set(Reg(100003, 3, "tcp", "0.0.0.0.8.1")));
  EXPECT_FALSE(table.Set(Reg(100003, 3, "tcp", "0.0.0.0.8.2", "someone else")));
  EXPECT_TRUE(table.Set(Reg(100003, 3, "udp", "0.0.0.0.8.1")));  // other netid
  EXPECT_TRUE(table.Set(Reg(100003, 4, "tcp", "0.0.0.0.8.1")));  // other version
  EXPECT_TRUE(table.Set(Reg(100005, 3, "tcp", "0.0.0.0.8.1")));  // other program
  const std::vector<Registration> snapshot = table.Snapshot();
  ASSERT_EQ(snapshot.size(), 4u);
  EXPECT_EQ(snapshot[0], Reg(100003, 3, "tcp", "0.0.0.0.8.1"));  // the first one stayed
  EXPECT_EQ(snapshot[3].program, 100005u);                       // registration order kept
}

TEST(RegistrationTable, UnsetByNetId) {
  RegistrationTable table;
  table.Set(Reg(100003, 3, "tcp", "0.0.0.0.8.1"));
  table.Set(Reg(100003, 3, "udp", "0.0.0.0.8.1"));
  table.Set(Reg(100003, 4, "tcp", "0.0.0.0.8.1"));
  EXPECT_TRUE(table.Unset(100003, 3, "udp"));
  EXPECT_FALSE(table.Unset(100003, 3, "udp"));  // already gone
  EXPECT_FALSE(table.Unset(100003, 3, "tcp6"));
  const std::vector<Registration> snapshot = table.Snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot[0].netid, "tcp");
  EXPECT_EQ(snapshot[0].version, 3u);
  EXPECT_EQ(snapshot[1].version, 4u);
}

TEST(RegistrationTable, UnsetWithEmptyNetIdRemovesEveryNetId) {
  RegistrationTable table;
  for (const char* netid : {"tcp", "udp", "tcp6", "udp6"}) {
    table.Set(Reg(100003, 3, netid, "::.8.1"));
  }
  table.Set(Reg(100003, 4, "tcp", "0.0.0.0.8.1"));
  table.Set(Reg(100005, 3, "tcp", "0.0.0.0.8.1"));
  EXPECT_TRUE(table.Unset(100003, 3, ""));
  const std::vector<Registration> snapshot = table.Snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot[0].version, 4u);
  EXPECT_EQ(snapshot[1].program, 100005u);
  EXPECT_FALSE(table.Unset(100003, 3, ""));
}

TEST(RegistrationTable, PermanentEntriesAreNotUnset) {
  RegistrationTable table;
  table.Set(Reg(100000, 2, "tcp", "0.0.0.0.0.111", "superuser", true));
  table.Set(Reg(100000, 2, "udp", "0.0.0.0.0.111", "superuser", false));
  EXPECT_FALSE(table.Unset(100000, 2, "tcp"));
  EXPECT_TRUE(table.Unset(100000, 2, ""));  // removes the udp entry only
  const std::vector<Registration> snapshot = table.Snapshot();
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_TRUE(snapshot[0].permanent);
  EXPECT_EQ(snapshot[0].netid, "tcp");
}

TEST(RegistrationTable, FindExactAndAnyVersion) {
  RegistrationTable table;
  table.Set(Reg(100003, 2, "tcp", "0.0.0.0.8.2"));
  table.Set(Reg(100003, 3, "tcp", "0.0.0.0.8.3"));
  table.Set(Reg(100003, 4, "udp", "0.0.0.0.8.4"));

  std::optional<Registration> found = table.Find(100003, 3, "tcp", false);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->address, "0.0.0.0.8.3");
  // The exact version wins over an earlier entry of another version.
  found = table.Find(100003, 3, "tcp", true);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->address, "0.0.0.0.8.3");

  EXPECT_FALSE(table.Find(100003, 4, "tcp", false).has_value());
  found = table.Find(100003, 4, "tcp", true);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->version, 2u);  // the first registered other version
  EXPECT_EQ(found->netid, "tcp");

  EXPECT_FALSE(table.Find(100003, 3, "udp6", true).has_value());  // netid must match
  EXPECT_FALSE(table.Find(100005, 3, "tcp", true).has_value());   // program must match
}

TEST(RegistrationTable, FindVersionAcrossNetIds) {
  RegistrationTable table;
  table.Set(Reg(100003, 3, "tcp", "a"));
  table.Set(Reg(100003, 4, "tcp", "b"));
  table.Set(Reg(100003, 3, "udp6", "c"));
  const std::vector<Registration> found = table.FindVersion(100003, 3);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].address, "a");
  EXPECT_EQ(found[1].address, "c");
  EXPECT_TRUE(table.FindVersion(100003, 5).empty());
}

TEST(RegistrationTable, PruneRemovesOnlyDeadNonPermanentEntries) {
  RegistrationTable table;
  table.Set(Reg(100000, 4, "tcp", "0.0.0.0.0.111", "superuser", true));
  table.Set(Reg(100003, 3, "tcp", "0.0.0.0.8.1"));
  table.Set(Reg(100005, 3, "tcp", "0.0.0.0.3.0"));
  table.Set(Reg(100021, 4, "udp", "0.0.0.0.3.1"));
  int asked_about_permanent = 0;
  const size_t pruned = table.Prune([&](const Registration& entry) {
    if (entry.permanent) ++asked_about_permanent;
    return entry.program == 100003;  // only nfs is alive; portmap's own entry "dies" too
  });
  EXPECT_EQ(pruned, 2u);
  EXPECT_EQ(asked_about_permanent, 0);
  const std::vector<Registration> snapshot = table.Snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot[0].program, 100000u);
  EXPECT_EQ(snapshot[1].program, 100003u);
  EXPECT_EQ(table.Prune([](const Registration&) { return true; }), 0u);
}

TEST(RegistrationTable, ChangeListenerSeesTheNewestSnapshot) {
  std::vector<std::vector<Registration>> notifications;
  RegistrationTable table(
      [&](const std::vector<Registration>& snapshot) { notifications.push_back(snapshot); });

  ASSERT_TRUE(table.Set(Reg(1, 1, "tcp", "a")));
  ASSERT_EQ(notifications.size(), 1u);
  EXPECT_EQ(notifications.back(), table.Snapshot());

  ASSERT_TRUE(table.Set(Reg(2, 1, "tcp", "b")));
  ASSERT_EQ(notifications.size(), 2u);
  EXPECT_EQ(notifications.back().size(), 2u);
  EXPECT_EQ(notifications.back(), table.Snapshot());

  // Changes that change nothing notify nothing.
  EXPECT_FALSE(table.Set(Reg(2, 1, "tcp", "other")));
  EXPECT_FALSE(table.Unset(9, 9, ""));
  EXPECT_EQ(table.Prune([](const Registration&) { return true; }), 0u);
  EXPECT_EQ(notifications.size(), 2u);

  ASSERT_TRUE(table.Unset(1, 1, "tcp"));
  ASSERT_EQ(notifications.size(), 3u);
  ASSERT_EQ(notifications.back().size(), 1u);
  EXPECT_EQ(notifications.back()[0].program, 2u);

  EXPECT_EQ(table.Prune([](const Registration&) { return false; }), 1u);
  ASSERT_EQ(notifications.size(), 4u);
  EXPECT_TRUE(notifications.back().empty());
}

TEST(RegistrationTable, PmapProtocolMapping) {
  EXPECT_EQ(PmapProtocolOf("tcp"), std::optional<uint32_t>(6));
  EXPECT_EQ(PmapProtocolOf("udp"), std::optional<uint32_t>(17));
  EXPECT_EQ(PmapProtocolOf("tcp6"), std::nullopt);
  EXPECT_EQ(PmapProtocolOf("local"), std::nullopt);
  EXPECT_EQ(NetIdOfPmapProtocol(6), std::optional<std::string>("tcp"));
  EXPECT_EQ(NetIdOfPmapProtocol(17), std::optional<std::string>("udp"));
  EXPECT_EQ(NetIdOfPmapProtocol(132), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// The warm-start file.

std::vector<Registration> StrangeRegistrations() {
  return {
      Reg(100003, 3, "tcp", "0.0.0.0.8.1", "superuser"),
      Reg(100005, 1, "udp6", "::.3.0", "tab\there, newline\nthere, back\\slash, \"quoted\""),
      Reg(0x40000000, 7, "tcp6", "fe80::1.0.1", std::string("bytes \xff\xfe\x80 caf\xc3\xa9", 15)),
      Reg(4294967295u, 0, "", "", std::string("nul\0inside\r", 11)),
  };
}

TEST(RegistrationStore, SerializeParseRoundTrip) {
  const std::vector<Registration> original = StrangeRegistrations();
  const std::string text = SerializeRegistrations(original);
  // One line per registration after a header comment: escaping kept every field on its line.
  EXPECT_EQ(text.rfind('#', 0), 0u);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + static_cast<long>(original.size()));
  absl::StatusOr<std::vector<Registration>> parsed = ParseRegistrations(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, original);
}

TEST(RegistrationStore, PermanentEntriesAreNotSerialized) {
  std::vector<Registration> registrations = {
      Reg(100000, 2, "tcp", "0.0.0.0.0.111", "portmapd-own-entry", true),
      Reg(100003, 3, "tcp", "0.0.0.0.8.1"),
  };
  const std::string text = SerializeRegistrations(registrations);
  EXPECT_EQ(text.find("portmapd-own-entry"), std::string::npos);
  absl::StatusOr<std::vector<Registration>> parsed = ParseRegistrations(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0], registrations[1]);
  EXPECT_FALSE((*parsed)[0].permanent);
}

TEST(RegistrationStore, EmptyAndCommentOnlyTextsAreEmptyTables) {
  for (const char* text : {"", "\n", "# nfsuite portmapd registrations v1\n", "# a\n\n# b"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<std::vector<Registration>> parsed = ParseRegistrations(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_TRUE(parsed->empty());
  }
  EXPECT_EQ(*ParseRegistrations(SerializeRegistrations({})), std::vector<Registration>{});
}

TEST(RegistrationStore, DamagedLineIsDataLoss) {
  const std::string good = "100003\t3\ttcp\t0.0.0.0.8.1\towner\n";
  ASSERT_TRUE(ParseRegistrations(good).ok());
  for (const std::string& damaged : {
           std::string("100003\t3\ttcp\t0.0.0.0.8.1\n"),                // 4 fields
           std::string("100003\t3\ttcp\t0.0.0.0.8.1\towner\textra\n"),  // 6 fields
           std::string("nfs\t3\ttcp\t0.0.0.0.8.1\towner\n"),            // program not a number
           std::string("100003\t-3\ttcp\t0.0.0.0.8.1\towner\n"),        // negative version
           std::string("4294967296\t3\ttcp\t0.0.0.0.8.1\towner\n"),     // program over 32 bits
           std::string("100003\t3\ttcp\t0.0.0.0.8.1\tbad\\escape\n"),   // invalid escape
           std::string("100003\t3\ttcp\t0.0.0.0.8.1\ttrailing\\\n"),    // dangling backslash
           std::string("100003 3 tcp 0.0.0.0.8.1 owner\n"),             // spaces, not tabs
       }) {
    SCOPED_TRACE(damaged);
    absl::StatusOr<std::vector<Registration>> parsed = ParseRegistrations(good + damaged);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(parsed.status().message().find("line 2"), absl::string_view::npos) << parsed.status();
  }
}

TEST(RegistrationStore, LoadingAMissingFileGivesAnEmptyTable) {
  TempDir dir;
  absl::StatusOr<std::vector<Registration>> loaded = LoadRegistrations(dir.File("absent"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->empty());
}

TEST(RegistrationStore, SaveThenLoad) {
  TempDir dir;
  const std::string path = dir.File("registrations");
  std::vector<Registration> registrations = StrangeRegistrations();
  registrations.push_back(Reg(100000, 4, "tcp", "0.0.0.0.0.111", "superuser", true));
  ASSERT_TRUE(SaveRegistrations(path, registrations).ok());

  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  absl::StatusOr<std::vector<Registration>> loaded = LoadRegistrations(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, StrangeRegistrations());  // without the permanent entry

  // Saving again replaces the file rather than appending to it.
  ASSERT_TRUE(SaveRegistrations(path, {Reg(7, 7, "udp", "0.0.0.0.0.7")}).ok());
  loaded = LoadRegistrations(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].program, 7u);
  // No temporary files are left beside it.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST(RegistrationStore, LoadingADamagedFileIsDataLossNamingTheFile) {
  TempDir dir;
  dir.Write("damaged", "# header\nnot a registration\n");
  absl::StatusOr<std::vector<Registration>> loaded = LoadRegistrations(dir.File("damaged"));
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(loaded.status().message().find(dir.File("damaged")), absl::string_view::npos);
}

// ---------------------------------------------------------------------------------------------
// LocalPortProbe.

// /proc/net/tcp as the kernel prints it: a header, then one socket per line.
constexpr char kProcNetTcp[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n"
    "   0: 0100007F:006F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "1001 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000:0801 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "1002 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0100007F:9C40 0100007F:006F 01 00000000:00000000 00:00000000 00000000  1000        0 "
    "1003 1 0000000000000000 20 4 30 10 -1\n"
    "   3: 0100007F:C350 0100007F:0801 06 00000000:00000000 03:00001234 00000000     0        0 "
    "0 3 0000000000000000\n";

constexpr char kProcNetTcp6[] =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000001000000:0FA1 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000000000000000000001000000:0FA2 00000000000000000000000001000000:1F90 01 "
    "00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 20 4 30 10 -1\n";

constexpr char kProcNetUdp[] =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode ref pointer drops\n"
    "  100: 00000000:006F 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 "
    "3001 2 0000000000000000 0\n"
    "  200: 0100007F:0801 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 "
    "3002 2 0000000000000000 0\n";

TEST(ParseProcNetPorts, TcpListeningOnly) {
  const absl::flat_hash_set<uint16_t> listening = ParseProcNetPorts(kProcNetTcp, true);
  EXPECT_EQ(listening, (absl::flat_hash_set<uint16_t>{111, 2049}));
  const absl::flat_hash_set<uint16_t> any = ParseProcNetPorts(kProcNetTcp, false);
  EXPECT_EQ(any, (absl::flat_hash_set<uint16_t>{111, 2049, 40000, 50000}));
}

TEST(ParseProcNetPorts, Tcp6) {
  EXPECT_EQ(ParseProcNetPorts(kProcNetTcp6, true), (absl::flat_hash_set<uint16_t>{4001}));
}

TEST(ParseProcNetPorts, UdpEveryBoundSocket) {
  EXPECT_EQ(ParseProcNetPorts(kProcNetUdp, false), (absl::flat_hash_set<uint16_t>{111, 2049}));
}

TEST(ParseProcNetPorts, HeaderOnlyAndJunk) {
  EXPECT_TRUE(ParseProcNetPorts("", true).empty());
  EXPECT_TRUE(ParseProcNetPorts("  sl  local_address rem_address   st\n", false).empty());
  // The header is never read as a socket, even one that looks like one.
  EXPECT_TRUE(ParseProcNetPorts("   0: 0100007F:006F 00000000:0000 0A\n", false).empty());
  const std::string junk = std::string("header\n") +
                           "   0: 0100007F 00000000:0000 0A x\n" +        // no port
                           "   1: 0100007F:ZZZZ 00000000:0000 0A x\n" +   // not hex
                           "   2: 0100007F:10000 00000000:0000 0A x\n" +  // over 16 bits
                           "   3: 0100007F:0015\n" +                      // too few fields
                           "   4: 0100007F:0016 00000000:0000 0A x\n";    // the one good line
  EXPECT_EQ(ParseProcNetPorts(junk, true), (absl::flat_hash_set<uint16_t>{22}));
}

TEST(LocalPortProbe, JudgesFromTheTablesInItsDirectory) {
  TempDir dir;
  dir.Write("tcp", kProcNetTcp);
  dir.Write("tcp6", kProcNetTcp6);
  dir.Write("udp", kProcNetUdp);
  // no udp6 file: a missing table is simply empty
  LocalPortProbe probe(dir.path());
  probe.Refresh();
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "tcp", "0.0.0.0.0.111")));
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "tcp6", "::.8.1")));            // listening in the IPv4 table
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "tcp", "::1.15.161")));         // 4001, from the tcp6 table
  EXPECT_FALSE(probe.IsAlive(Reg(1, 1, "tcp", "127.0.0.1.156.64")));  // 40000: established only
  EXPECT_FALSE(probe.IsAlive(Reg(1, 1, "tcp", "127.0.0.1.0.22")));
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "udp", "0.0.0.0.0.111")));
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "udp6", "::.8.1")));
  EXPECT_FALSE(probe.IsAlive(Reg(1, 1, "udp", "0.0.0.0.15.161")));  // 4001 is TCP only
  // What the probe cannot judge counts as alive.
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "local", "/run/rpcbind.sock")));
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "tcp", "not an address")));
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "rdma", "0.0.0.0.0.22")));

  // Refresh forgets what is gone.
  dir.Write("tcp", "  sl  local_address rem_address   st\n");
  dir.Write("tcp6", "");
  probe.Refresh();
  EXPECT_FALSE(probe.IsAlive(Reg(1, 1, "tcp", "0.0.0.0.0.111")));
  EXPECT_TRUE(probe.IsAlive(Reg(1, 1, "udp", "0.0.0.0.0.111")));
}

std::string LoopbackUniversalAddress(uint16_t port) {
  return absl::StrCat("127.0.0.1.", port >> 8, ".", port & 0xff);
}

// Binds a socket of `type` to 127.0.0.1 on a kernel-chosen port; returns the fd and the port.
int BindLoopback(int type, uint16_t* port) {
  const int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address;
  std::memset(&address, 0, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      (type == SOCK_STREAM && listen(fd, 4) != 0) ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(address.sin_port);
  return fd;
}

TEST(LocalPortProbe, RegistrationLivesAsLongAsItsSocket) {
  for (const auto& [type, netid] : {std::pair{SOCK_STREAM, "tcp"}, std::pair{SOCK_DGRAM, "udp"}}) {
    SCOPED_TRACE(netid);
    uint16_t port = 0;
    const int fd = BindLoopback(type, &port);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    const Registration registration = Reg(0x20000001, 1, netid, LoopbackUniversalAddress(port));

    LocalPortProbe probe;
    probe.Refresh();
    EXPECT_TRUE(probe.IsAlive(registration)) << registration.address;

    close(fd);
    probe.Refresh();
    EXPECT_FALSE(probe.IsAlive(registration)) << registration.address;
  }
}

// ---------------------------------------------------------------------------------------------
// Address translation (RPCBPROC_UADDR2TADDR / TADDR2UADDR).

TEST(AddressTranslation, Ipv4UniversalToTransport) {
  const rpc::portmap::Netbuf netbuf = UniversalToTransportAddress("127.0.0.1.0.111");
  ASSERT_EQ(netbuf.buffer.size(), sizeof(sockaddr_in));
  EXPECT_EQ(netbuf.buffer.size(), 16u);
  EXPECT_EQ(netbuf.max_length, 16u);
  sockaddr_in raw;
  std::memcpy(&raw, netbuf.buffer.data(), sizeof(raw));
  EXPECT_EQ(raw.sin_family, AF_INET);
  EXPECT_EQ(ntohs(raw.sin_port), 111);
  EXPECT_EQ(ntohl(raw.sin_addr.s_addr), INADDR_LOOPBACK);
  // Port and address in network byte order at their struct sockaddr_in offsets.
  EXPECT_EQ(netbuf.buffer[2], 0x00);
  EXPECT_EQ(netbuf.buffer[3], 0x6F);
  EXPECT_EQ(netbuf.buffer[4], 127);
  EXPECT_EQ(netbuf.buffer[7], 1);
  EXPECT_EQ(TransportToUniversalAddress(netbuf), "127.0.0.1.0.111");
}

TEST(AddressTranslation, Ipv6) {
  const rpc::portmap::Netbuf netbuf = UniversalToTransportAddress("::1.8.1");
  ASSERT_EQ(netbuf.buffer.size(), sizeof(sockaddr_in6));
  EXPECT_EQ(netbuf.max_length, sizeof(sockaddr_in6));
  sockaddr_in6 raw;
  std::memcpy(&raw, netbuf.buffer.data(), sizeof(raw));
  EXPECT_EQ(raw.sin6_family, AF_INET6);
  EXPECT_EQ(ntohs(raw.sin6_port), 2049);
  EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&raw.sin6_addr));
  EXPECT_EQ(TransportToUniversalAddress(netbuf), "::1.8.1");
}

TEST(AddressTranslation, RoundTrips) {
  for (const char* uaddr :
       {"0.0.0.0.0.111", "10.20.30.40.255.255", "::.0.0", "fe80::1.8.1", "2001:db8::7.3.232"}) {
    SCOPED_TRACE(uaddr);
    EXPECT_EQ(TransportToUniversalAddress(UniversalToTransportAddress(uaddr)), uaddr);
  }
}

TEST(AddressTranslation, GarbageGivesEmptyResults) {
  for (const char* uaddr : {"", "garbage", "1.2.3", "1.2.3.4.256.0", "/run/rpcbind.sock"}) {
    SCOPED_TRACE(uaddr);
    const rpc::portmap::Netbuf netbuf = UniversalToTransportAddress(uaddr);
    EXPECT_TRUE(netbuf.buffer.empty());
    EXPECT_EQ(netbuf.max_length, 0u);
  }

  EXPECT_EQ(TransportToUniversalAddress({}), "");
  EXPECT_EQ(TransportToUniversalAddress({0, {2}}), "");  // shorter than a family field

  // A well-formed AF_INET address cut short, and an AF_INET6 one cut to sockaddr_in's size.
  rpc::portmap::Netbuf v4 = UniversalToTransportAddress("127.0.0.1.0.111");
  v4.buffer.resize(8);
  EXPECT_EQ(TransportToUniversalAddress(v4), "");
  rpc::portmap::Netbuf v6 = UniversalToTransportAddress("::1.0.111");
  v6.buffer.resize(sizeof(sockaddr_in));
  EXPECT_EQ(TransportToUniversalAddress(v6), "");

  // Another address family.
  rpc::portmap::Netbuf local = UniversalToTransportAddress("127.0.0.1.0.111");
  const sa_family_t unix_family = AF_UNIX;
  std::memcpy(local.buffer.data(), &unix_family, sizeof(unix_family));
  EXPECT_EQ(TransportToUniversalAddress(local), "");
}

}  // namespace
}  // namespace nfsuite::portmap
