package io.ispcache.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inet.ipaddr.IPAddressString;
import io.ispcache.report.Counters;
import io.ispcache.report.HealthBoard;
import io.ispcache.routing.NodeRoute;
import io.ispcache.routing.RoutingTable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Steering sends a client only to a server address of a family it can reach, and reads client addresses strictly. */
class SteeringTest {
  final HealthBoard health = new HealthBoard(Duration.ofMinutes(5), Clock.systemUTC());
  final Steering steering = new Steering(health, 80);

  NodeRoute route(String id, String serverIp) {
    health.record(id, "c", true, Counters.ZERO, 0, 0);
    return new NodeRoute(id, "c", id, serverIp, 1000);
  }

  @Test
  void ipv4ClientsAreNeverSentToAnIpv6ServerAddressIpv6ClientsReachEither() {
    NodeRoute v4 = route("v4", "20.1.1.1");
    NodeRoute legacyV6 = route("v6", "2a00:1450:4001::1");
    RoutingTable table = new RoutingTable.Builder()
        .add(new IPAddressString("42.0.0.0/16").getAddress(), legacyV6)
        .add(new IPAddressString("42.0.0.0/8").getAddress(), v4)
        .add(new IPAddressString("2a01:4f8::/32").getAddress(), legacyV6)
        .add(new IPAddressString("2a01:4f8::/32").getAddress(), v4)
        .build(1);

    ApiTypes.SteerAnswer ipv4 = steering.steer(table, "42.0.1.1");
    assertEquals("42.0.0.0/8", ipv4.block(), "the /16's only node has no IPv4 address: the next block serves");
    assertEquals(List.of("20.1.1.1"), ipv4.nodes().stream().map(ApiTypes.SteeredNode::serverIp).toList());

    ApiTypes.SteerAnswer onlyV6 = steering.steer(new RoutingTable.Builder().add(new IPAddressString("43.0.0.0/8").getAddress(), legacyV6).build(2), "43.0.0.1");
    assertTrue(onlyV6.useCdn());

    ApiTypes.SteerAnswer ipv6 = steering.steer(table, "2a01:4f8::1");
    assertEquals(2, ipv6.nodes().size());
    assertEquals("http://[2a00:1450:4001::1]", steering.base("2a00:1450:4001::1"));
  }

  @Test
  void clientAddressesAreReadInOneSpellingOnly() {
    RoutingTable empty = RoutingTable.empty();
    for (String bad : List.of("01.02.03.04", "134744065", "0x08080808", "8.8.2056", "fe80::1%eth0", "8.8.8.8/32", "8.8.8.*")) {
      ApiException e = assertThrows(ApiException.class, () -> steering.steer(empty, bad), bad);
      assertEquals(400, e.status);
      assertEquals("clientIp", e.field);
      assertTrue(e.getMessage().contains("without leading zeros") && e.getMessage().contains("without a zone"), e.getMessage());
    }
    assertTrue(steering.steer(empty, "1.2.3.4").useCdn());
    assertTrue(steering.steer(empty, "2001:db8::1").useCdn());
  }
}
