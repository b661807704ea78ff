#ifndef NFSUITE_SERVICE_PORTMAP_ADDRESS_TRANSLATION_H_
#define NFSUITE_SERVICE_PORTMAP_ADDRESS_TRANSLATION_H_

#include <string>

#include "common/rpc/portmap_protocol.h"

namespace nfsuite::portmap {

// RPCBPROC_UADDR2TADDR: a universal address to a transport address, the raw struct sockaddr_in
// or sockaddr_in6 as libtirpc's netbuf holds it. An unparsable address gives an empty netbuf.
rpc::portmap::Netbuf UniversalToTransportAddress(const std::string& uaddr);
// RPCBPROC_TADDR2UADDR: the reverse; an empty string when the netbuf holds no IP address.
std::string TransportToUniversalAddress(const rpc::portmap::Netbuf& netbuf);

}  // namespace nfsuite::portmap

#endif  // NFSUITE_SERVICE_PORTMAP_ADDRESS_TRANSLATION_H_
