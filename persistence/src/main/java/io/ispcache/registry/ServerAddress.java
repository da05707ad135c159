package io.ispcache.registry;

import inet.ipaddr.IPAddress;

/** A cache node's server IP: a single unicast IPv4 address, public unless the deployment allows otherwise. */
public final class ServerAddress {
  /** Private, shared, documentation and reserved ranges (RFC 1918, 6598, 5737, 2544, 1112, 4193, 3849). */
  private static final java.util.List<IPAddress> RESERVED =
      CidrBlocks.parse(
          "0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.0.0.0/24,"
              + " 192.0.2.0/24, 192.168.0.0/16, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, 240.0.0.0/4,"
              + " fc00::/7, fe80::/10, 2001:db8::/32, ::ffff:0:0/96");

  private ServerAddress() {}

  /**
   * The canonical address; IllegalArgumentException explains why {@code raw} is refused. Only IPv4:
   * Microsoft Connected Cache requires a public IPv4 server address, and a single address per node
   * must be reachable by every client steered to it, IPv4 clients included.
   */
  public static String check(String raw, boolean allowPrivate) {
    IPAddress a = IpText.address(raw.strip());
    if (!a.isIPv4()) {
      throw new IllegalArgumentException(
          "'" + raw + "' is an IPv6 address; a cache node's server IP is a public IPv4 address, which its IPv4 and IPv6 clients are both steered to");
    }
    if (a.isMulticast() || a.isUnspecified() || a.isLoopback() || a.isAnyLocal()) {
      throw new IllegalArgumentException("'" + raw + "' is not a unicast host address");
    }
    boolean reserved = a.isLinkLocal() || RESERVED.stream().anyMatch(b -> CidrBlocks.overlap(b, a.toPrefixBlock(a.getBitCount())));
    if (reserved && !allowPrivate) {
      throw new IllegalArgumentException(
          "'" + raw + "' is a private or reserved address; the cache node needs a publicly reachable IP");
    }
    return a.toCanonicalString();
  }
}
