// NLM (versions 1 and 3 with 32-bit ranges, version 4 with 64-bit ones) and NSM codecs
// (service/lock/nlm_xdr, nsm_xdr). They have no calls for the dispatcher seeds: fuzz_dispatcher
// does not serve the lock services, whose callbacks would send fuzzed packets to other hosts.
#include <string>
#include <vector>

#include "service/lock/nlm_types.h"
#include "service/lock/nlm_xdr.h"
#include "service/lock/nsm_types.h"
#include "service/lock/nsm_xdr.h"
#include "tests/fuzz/codec_case.h"

namespace nfsuite::fuzz {
namespace {

namespace lk = lock;

lk::NlmLock SampleLock() {
  lk::NlmLock lock;
  lock.caller_name = "client.example";
  lock.fh.assign(28, 0x5a);
  lock.oh = {'o', 'w', 'n', 'e', 'r'};
  lock.svid = 4242;
  lock.offset = 100;
  lock.length = 50;
  return lock;
}

// The range-carrying NLM shapes in one width; `suffix` names the width in the case names.
template <lk::Width W>
void AddRangeCases(std::vector<CodecCase>& cases, const std::string& suffix) {
  const lk::NlmLock lock = SampleLock();
  cases.push_back(MakeCodecCase("nlm_test_args" + suffix, &lk::DecodeTestArgs<W>,
                                &lk::EncodeTestArgs<W>, lk::NlmTestArgs{{1, 2, 3, 4}, true, lock}));
  cases.push_back(MakeCodecCase("nlm_lock_args" + suffix, &lk::DecodeLockArgs<W>,
                                &lk::EncodeLockArgs<W>,
                                lk::NlmLockArgs{{1, 2, 3, 4}, true, true, lock, false, 3}));
  cases.push_back(MakeCodecCase("nlm_cancel_args" + suffix, &lk::DecodeCancelArgs<W>,
                                &lk::EncodeCancelArgs<W>,
                                lk::NlmCancelArgs{{1, 2, 3, 4}, true, false, lock}));
  cases.push_back(MakeCodecCase("nlm_unlock_args" + suffix, &lk::DecodeUnlockArgs<W>,
                                &lk::EncodeUnlockArgs<W>, lk::NlmUnlockArgs{{1, 2, 3, 4}, lock}));
  lk::NlmTestResult denied{{1, 2, 3, 4}, lk::NlmStatus::kDenied, {true, 17, {'o'}, 0, 10}};
  cases.push_back(MakeCodecCase("nlm_test_result" + suffix, &lk::DecodeTestResult<W>,
                                &lk::EncodeTestResult<W>, denied));
}

}  // namespace

std::vector<CodecCase> LockCodecCases() {
  std::vector<CodecCase> cases;
  AddRangeCases<lk::Width::kNarrow>(cases, "_v1_v3");
  AddRangeCases<lk::Width::kWide>(cases, "_v4");
  cases.push_back(MakeCodecCase("nlm_result", &lk::DecodeResult, &lk::EncodeResult,
                                lk::NlmResult{{1, 2, 3, 4}, lk::NlmStatus::kBlocked}));
  lk::NlmShareArgs share;
  share.cookie = {9};
  share.share = {"client.example",
                 std::vector<uint8_t>(28, 0x5a),
                 {'o'},
                 lk::ShareMode::kDenyWrite,
                 lk::ShareAccess::kRead};
  cases.push_back(
      MakeCodecCase("nlm_share_args", &lk::DecodeShareArgs, &lk::EncodeShareArgs, share));
  cases.push_back(MakeCodecCase("nlm_share_result", &lk::DecodeShareResult, &lk::EncodeShareResult,
                                lk::NlmShareResult{{9}, lk::NlmStatus::kGranted, 1}));
  cases.push_back(MakeCodecCase("nlm_notify", &lk::DecodeNotify, &lk::EncodeNotify,
                                lk::NlmNotify{"client.example", 5}));

  const lk::MyId my_id{"server.example", 100021, 4, 16};
  cases.push_back(MakeCodecCase("nsm_sm_name", &lk::DecodeSmName, &lk::EncodeSmName,
                                lk::SmName{"client.example"}));
  cases.push_back(MakeCodecCase("nsm_mon", &lk::DecodeMon, &lk::EncodeMon,
                                lk::Mon{{"client.example", my_id}, {1, 2, 3}}));
  cases.push_back(MakeCodecCase("nsm_mon_id", &lk::DecodeMonId, &lk::EncodeMonId,
                                lk::MonId{"client.example", my_id}));
  cases.push_back(MakeCodecCase("nsm_my_id", &lk::DecodeMyId, &lk::EncodeMyId, my_id));
  cases.push_back(MakeCodecCase("nsm_stat_change", &lk::DecodeStatChange, &lk::EncodeStatChange,
                                lk::StatChange{"client.example", 7}));
  cases.push_back(MakeCodecCase("nsm_sm_stat_result", &lk::DecodeSmStatResult,
                                &lk::EncodeSmStatResult,
                                lk::SmStatResult{lk::NsmResult::kSuccess, 3}));
  cases.push_back(
      MakeCodecCase("nsm_sm_stat", &lk::DecodeSmStat, &lk::EncodeSmStat, lk::SmStat{3}));
  cases.push_back(MakeCodecCase("nsm_status_callback", &lk::DecodeStatusCallback,
                                &lk::EncodeStatusCallback,
                                lk::StatusCallback{"client.example", 7, {4, 5, 6}}));
  return cases;
}

}  // namespace nfsuite::fuzz
