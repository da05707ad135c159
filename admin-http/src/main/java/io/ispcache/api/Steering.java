package io.ispcache.api;

import inet.ipaddr.IPAddress;
import io.ispcache.report.HealthBoard;
import io.ispcache.routing.NodeRoute;
import io.ispcache.routing.RoutingTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Picks cache nodes for a client address: the most specific block wins; among its nodes the
 * healthy ones the client can reach, least loaded first; when none applies, an explicit "use the
 * CDN" answer.
 */
final class Steering {
  private final HealthBoard health;
  private final int contentPort;

  Steering(HealthBoard health, int contentPort) {
    this.health = health;
    this.contentPort = contentPort;
  }

  ApiTypes.SteerAnswer steer(RoutingTable table, String clientIp) {
    IPAddress address;
    try {
      address = RoutingTable.clientAddress(clientIp);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("clientIp", e.getMessage());
    }
    List<RoutingTable.Match> matches = table.matches(address);
    if (matches.isEmpty()) {
      return cdn(clientIp, "no cache node serves this address");
    }
    for (RoutingTable.Match m : matches) {
      List<NodeRoute> healthy = new ArrayList<>();
      for (NodeRoute r : m.nodes()) {
        if (health.healthy(r.nodeId()) && reachable(r, address)) {
          healthy.add(r);
        }
      }
      if (!healthy.isEmpty()) {
        healthy.sort(Comparator.comparingDouble(this::load));
        List<ApiTypes.SteeredNode> nodes = new ArrayList<>();
        for (NodeRoute r : healthy) {
          nodes.add(new ApiTypes.SteeredNode(r.nodeId(), r.name(), r.serverIp(), base(r.serverIp())));
        }
        return new ApiTypes.SteerAnswer(clientIp, false, null, m.block(), nodes);
      }
    }
    return cdn(clientIp, "the cache nodes for this address are not healthy");
  }

  /**
   * Server IPs are IPv4 (the registry accepts no other, as MCC requires), which IPv6 clients of
   * dual-stack lines reach too. An IPv6 server IP kept from an older registry is offered to IPv6
   * clients only: an IPv4 client is never sent to an address it cannot reach.
   */
  static boolean reachable(NodeRoute r, IPAddress client) {
    return client.isIPv6() || r.serverIp().indexOf(':') < 0;
  }

  /** Share of the node's egress limit in use, from its last report (unknown limit counts as idle). */
  private double load(NodeRoute r) {
    return health.last(r.nodeId()).map(rep -> (double) rep.requests()).orElse(0.0) / Math.max(1, r.maxEgressMbps());
  }

  private static ApiTypes.SteerAnswer cdn(String clientIp, String reason) {
    return new ApiTypes.SteerAnswer(clientIp, true, reason, null, List.of());
  }

  String base(String serverIp) {
    String host = serverIp.contains(":") ? "[" + serverIp + "]" : serverIp;
    return "http://" + host + (contentPort == 80 ? "" : ":" + contentPort);
  }
}
