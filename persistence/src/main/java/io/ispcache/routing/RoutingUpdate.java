package io.ispcache.routing;

import inet.ipaddr.IPAddressString;
import io.ispcache.registry.CacheNode;
import io.ispcache.registry.CidrBlocks;
import io.ispcache.registry.RegistryState;
import io.ispcache.serialization.CborSerializable;
import java.util.ArrayList;
import java.util.List;

/** The routable space at one registry version, compact enough to publish to every node. */
public record RoutingUpdate(long version, List<RouteEntry> entries) implements CborSerializable {

  public static RoutingUpdate of(RegistryState state, long version) {
    List<RouteEntry> entries = new ArrayList<>();
    for (CacheNode n : state.nodes().values()) {
      if (n.routable()) {
        NodeRoute route = new NodeRoute(n.id(), n.customerId(), n.name(), n.serverIp(), n.maxEgressMbps());
        for (var block : CidrBlocks.parseStored(n.cidrBlocks())) {
          entries.add(new RouteEntry(block.toCanonicalString(), route));
        }
      }
    }
    return new RoutingUpdate(version, List.copyOf(entries));
  }

  public RoutingTable table() {
    RoutingTable.Builder b = new RoutingTable.Builder();
    for (RouteEntry e : entries) {
      b.add(new IPAddressString(e.block()).getAddress(), e.route());
    }
    return b.build(version);
  }
}
