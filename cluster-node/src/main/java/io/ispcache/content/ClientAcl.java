package io.ispcache.content;

import inet.ipaddr.IPAddress;
import io.ispcache.routing.RoutingTable;
import io.ispcache.routing.RoutingTables;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The optional client ACL: only clients whose address falls in one of this cache node's VALID,
 * enabled CIDR blocks are served, as the registry publishes them (fail closed until the first
 * routing table has arrived).
 */
public final class ClientAcl {
  private final Optional<RoutingTables.View> routing;
  private final String cacheNodeId;

  private ClientAcl(Optional<RoutingTables.View> routing, String cacheNodeId) {
    this.routing = routing;
    this.cacheNodeId = cacheNodeId;
  }

  public static ClientAcl open() {
    return new ClientAcl(Optional.empty(), null);
  }

  public static ClientAcl of(RoutingTables.View routing, String cacheNodeId) {
    return new ClientAcl(Optional.of(routing), cacheNodeId);
  }

  /** Null when the client may be served, else the reason it may not. */
  String refusal(Optional<InetAddress> client) {
    if (routing.isEmpty()) {
      return null;
    }
    if (client.isEmpty()) {
      return "the client address is unknown";
    }
    RoutingTable table = routing.get().current();
    if (table.version() == 0) {
      return "this cache has not yet received its routing table from the registry";
    }
    IPAddress address = RoutingTable.clientAddress(client.get());
    return table.routesTo(address, cacheNodeId) ? null : "client address " + client.get().getHostAddress() + " is not in this cache node's IP space";
  }
}
