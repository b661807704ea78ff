#include "ctl/command.h"

#include <cstdio>
#include <iterator>
#include <vector>

#include "ctl/control_client.h"
#include "google/protobuf/util/json_util.h"

namespace nfsuite::ctl {

CLI::IsMember KnownDaemon() {
  return CLI::IsMember(std::vector<std::string>(std::begin(kDaemons), std::end(kDaemons)));
}

int ReportFailure(const std::string& message) {
  std::fprintf(stderr, "nfsctl: %s\n", message.c_str());
  return kExitFailure;
}

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

}  // namespace nfsuite::ctl
