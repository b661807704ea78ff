#ifndef NFSUITE_DAEMON_CONNECTION_LIMIT_FLAGS_H_
#define NFSUITE_DAEMON_CONNECTION_LIMIT_FLAGS_H_

#include "CLI/CLI.hpp"

namespace nfsuite {

// --max-connections and --max-connections-per-client, which every daemon takes: `Config` has
// the two fields of these names (rpc::ServerOptions's meaning).
template <typename Config>
void AddConnectionLimitFlags(CLI::App& app, Config& config) {
  app.add_option("--max-connections", config.max_connections,
                 "TCP connections held at once; at the limit the longest-idle one is closed")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--max-connections-per-client", config.max_connections_per_client,
                 "TCP connections one client address may hold; more are refused")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
}

}  // namespace nfsuite

#endif  // NFSUITE_DAEMON_CONNECTION_LIMIT_FLAGS_H_
