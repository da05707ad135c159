package io.ispcache.routing;

import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import inet.ipaddr.ipv6.IPv6AddressAssociativeTrie;
import io.ispcache.registry.CacheNode;
import io.ispcache.registry.CidrBlocks;
import io.ispcache.registry.IpText;
import io.ispcache.registry.RegistryState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The immutable read model for steering and ACLs: every CIDR block of every routable cache node
 * (enabled, VALID, with a server IP) in prefix tries, so a lookup is a longest-prefix match that
 * never waits for the registry.
 */
public final class RoutingTable {
  /** A block and the nodes it routes to, most specific first when several blocks contain an address. */
  public record Match(String block, List<NodeRoute> nodes) {}

  private final Ipv4Prefixes<Match> v4;
  private final IPv6AddressAssociativeTrie<Match> v6;
  private final long version;
  private final int blocks;

  private RoutingTable(Ipv4Prefixes<Match> v4, IPv6AddressAssociativeTrie<Match> v6, long version, int blocks) {
    this.v4 = v4;
    this.v6 = v6;
    this.version = version;
    this.blocks = blocks;
  }

  public static RoutingTable empty() {
    return new RoutingTable(new Ipv4Prefixes<>(), new IPv6AddressAssociativeTrie<>(), 0, 0);
  }

  public static RoutingTable from(RegistryState state, long version) {
    Builder b = new Builder();
    for (CacheNode n : state.nodes().values()) {
      if (!n.routable()) {
        continue;
      }
      NodeRoute route = new NodeRoute(n.id(), n.customerId(), n.name(), n.serverIp(), n.maxEgressMbps());
      for (IPAddress block : CidrBlocks.parseStored(n.cidrBlocks())) {
        b.add(block, route);
      }
    }
    return b.build(version);
  }

  /** Builds tables directly, as benchmarks and tests do. */
  public static final class Builder {
    private final Ipv4Prefixes<Match> v4 = new Ipv4Prefixes<>();
    private final IPv6AddressAssociativeTrie<Match> v6 = new IPv6AddressAssociativeTrie<>();
    private int blocks;

    public Builder add(IPAddress block, NodeRoute route) {
      blocks++;
      // The value carries its block's text, so a lookup formats nothing.
      if (block.isIPv4()) {
        IPv4Address a = block.toIPv4();
        int len = a.getNetworkPrefixLength();
        v4.put(a.intValue(), len, with(v4.get(a.intValue(), len), a, route));
      } else {
        IPv6Address a = block.toIPv6();
        v6.put(a, with(v6.get(a), a, route));
      }
      return this;
    }

    private static Match with(Match existing, IPAddress block, NodeRoute route) {
      List<NodeRoute> next = new ArrayList<>(existing == null ? List.of() : existing.nodes());
      next.add(route);
      return new Match(block.toCanonicalString(), List.copyOf(next));
    }

    public RoutingTable build(long version) {
      return new RoutingTable(v4, v6, version, blocks);
    }
  }

  public long version() {
    return version;
  }

  public int blockCount() {
    return blocks;
  }

  /** The most specific block containing {@code address}, if any. */
  public Optional<Match> longestMatch(IPAddress address) {
    if (address.isIPv4()) {
      return Optional.ofNullable(v4.longest(address.toIPv4().intValue()));
    }
    var node = v6.longestPrefixMatchNode(address.toIPv6());
    return node == null ? Optional.empty() : Optional.of(node.getValue());
  }

  /** Every block containing {@code address}, most specific first. */
  public List<Match> matches(IPAddress address) {
    List<Match> out = new ArrayList<>();
    if (address.isIPv4()) {
      out.addAll(v4.containing(address.toIPv4().intValue()));
    } else {
      var containing = v6.elementsContaining(address.toIPv6());
      if (containing != null) {
        for (IPv6Address block : containing) {
          out.add(v6.get(block));
        }
      }
      // The IPv4 table answers longest first already; the IPv6 trie lists containing blocks in
      // its own order.
      out.sort(java.util.Comparator.comparingInt((Match m) -> prefixLength(m.block())).reversed());
    }
    return out;
  }

  private static int prefixLength(String block) {
    return Integer.parseInt(block.substring(block.indexOf('/') + 1));
  }

  /**
   * Parses a client address in {@link IpText}'s strict spelling (no inet_aton forms, no leading
   * zeros, no zone); IllegalArgumentException with the rule otherwise. An IPv4-mapped IPv6 address
   * is the IPv4 client it carries.
   */
  public static IPAddress clientAddress(String raw) {
    IPAddress a = IpText.address(raw == null ? null : raw.strip());
    return a.isIPv6() && a.toIPv6().isIPv4Mapped() ? a.toIPv6().getEmbeddedIPv4Address() : a;
  }

  /**
   * A connected client's address from its socket. From bytes, not text: a link-local peer's scope id
   * names our interface, not part of the address the client has.
   */
  public static IPAddress clientAddress(java.net.InetAddress socketAddress) {
    byte[] bytes = socketAddress.getAddress();
    IPAddress a = bytes.length == 4 ? new IPv4Address(bytes) : new IPv6Address(bytes);
    return a.isIPv6() && a.toIPv6().isIPv4Mapped() ? a.toIPv6().getEmbeddedIPv4Address() : a;
  }

  /** Whether any routable block of node {@code nodeId} contains {@code address} (the content ACL). */
  public boolean routesTo(IPAddress address, String nodeId) {
    for (Match m : matches(address)) {
      for (NodeRoute r : m.nodes()) {
        if (r.nodeId().equals(nodeId)) {
          return true;
        }
      }
    }
    return false;
  }

}
