// The workloads of nfs_load, each one kind of NFSv3 operation repeated over a set of items.
#ifndef NFSUITE_TESTS_BENCH_NFS_LOAD_WORKLOADS_H_
#define NFSUITE_TESTS_BENCH_NFS_LOAD_WORKLOADS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/bench/nfs_load_engine.h"

namespace nfsuite::bench {

// The name of file `index` of a set: a fixed-width number after `prefix`, so every name of a set
// has the same length and costs the same to send.
std::string FileName(const char* prefix, uint64_t index);

// NULL calls (procedure 0): the cost of the RPC path alone.
std::unique_ptr<Workload> MakeNullWorkload(uint64_t calls);

// WRITE (UNSTABLE) of `block` bytes at offset item * block, for `blocks` items.
std::unique_ptr<Workload> MakeWriteWorkload(const std::string& file, uint64_t blocks,
                                            uint32_t block);
// One COMMIT of the whole file.
std::unique_ptr<Workload> MakeCommitWorkload(const std::string& file);
// READ of `block` bytes at offset item * block; a short read is a failure.
std::unique_ptr<Workload> MakeReadWorkload(const std::string& file, uint64_t blocks,
                                           uint32_t block);
// READ of `block` bytes at random block-aligned offsets below `file_size`.
std::unique_ptr<Workload> MakeRandomReadWorkload(const std::string& file, uint64_t file_size,
                                                 uint32_t block, uint64_t reads, uint64_t seed);

// CREATE (GUARDED, mode 0644) of FileName(prefix, i) in `dir`; the handles land in `handles`.
std::unique_ptr<Workload> MakeCreateWorkload(const std::string& dir, const char* prefix,
                                             std::vector<std::string>& handles);
std::unique_ptr<Workload> MakeLookupWorkload(const std::string& dir, const char* prefix,
                                             uint64_t files);
std::unique_ptr<Workload> MakeGetattrWorkload(const std::vector<std::string>& handles);
std::unique_ptr<Workload> MakeRemoveWorkload(const std::string& dir, const char* prefix,
                                             uint64_t files);
// `listings` whole listings of `dir` with READDIRPLUS, each from cookie 0 to eof; an operation's
// units are the entries it listed (".", ".." included when the server sends them).
std::unique_ptr<Workload> MakeReaddirplusWorkload(const std::string& dir, uint64_t listings,
                                                  uint32_t dircount, uint32_t maxcount);
// Small files: CREATE (GUARDED) of FileName(prefix, i) in `dir`, then one WRITE of `size` bytes
// with FILE_SYNC to the new handle; one operation is both calls.
std::unique_ptr<Workload> MakeSmallFileWorkload(const std::string& dir, const char* prefix,
                                                uint64_t files, uint32_t size);

}  // namespace nfsuite::bench

#endif  // NFSUITE_TESTS_BENCH_NFS_LOAD_WORKLOADS_H_
