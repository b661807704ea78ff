#ifndef NFSUITE_DAEMON_CONNECTION_LIMIT_FLAGS_H_
#define NFSUITE_DAEMON_CONNECTION_LIMIT_FLAGS_H_

#include "CLI/CLI.hpp"

namespace nfsuite {

// The connection limits every daemon takes: `Config` has the fields of these names, with
// rpc::ServerOptions's meaning.
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
  app.add_option("--max-calls-per-connection", config.max_in_flight_per_connection,
                 "calls of one connection processed at once; past it the connection is not read")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--max-unsent-reply-bytes", config.max_pending_output,
                 "unsent reply bytes past which a connection is not read until they drain")
      ->check(CLI::Range(64 * 1024, 1024 * 1024 * 1024))
      ->capture_default_str();
}

}  // namespace nfsuite

#endif  // NFSUITE_DAEMON_CONNECTION_LIMIT_FLAGS_H_
