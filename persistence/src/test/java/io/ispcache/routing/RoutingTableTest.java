package io.ispcache.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inet.ipaddr.IPAddressString;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  static final NodeRoute WIDE = new NodeRoute("w", "c1", "wide", "20.0.0.1", 1000);
  static final NodeRoute NARROW = new NodeRoute("n", "c2", "narrow", "20.0.0.2", 1000);
  static final NodeRoute SIX = new NodeRoute("s", "c3", "six", "2a00::1", 1000);

  static RoutingTable table() {
    return new RoutingTable.Builder()
        .add(new IPAddressString("42.0.0.0/16").getAddress(), WIDE)
        .add(new IPAddressString("42.0.5.0/24").getAddress(), NARROW)
        .add(new IPAddressString("2a01:4f8::/32").getAddress(), SIX)
        .build(1);
  }

  @Test
  void mostSpecificBlockComesFirst() {
    List<RoutingTable.Match> m = table().matches(RoutingTable.clientAddress("42.0.5.9"));
    assertEquals(2, m.size(), m.toString());
    assertEquals("42.0.5.0/24", m.get(0).block());
    assertEquals(List.of(NARROW), m.get(0).nodes());
    assertEquals("42.0.0.0/16", m.get(1).block());
    assertEquals("42.0.5.0/24", table().longestMatch(RoutingTable.clientAddress("42.0.5.9")).orElseThrow().block());
  }

  @Test
  void addressesOutsideEveryBlockMatchNothing() {
    assertTrue(table().matches(RoutingTable.clientAddress("43.0.0.1")).isEmpty());
    assertEquals(List.of(WIDE), table().matches(RoutingTable.clientAddress("42.0.6.1")).get(0).nodes());
  }

  @Test
  void ipv6AndMappedIpv4ClientsAreLookedUp() {
    assertEquals(List.of(SIX), table().matches(RoutingTable.clientAddress("2a01:4f8:1::5")).get(0).nodes());
    assertEquals("42.0.5.0/24", table().matches(RoutingTable.clientAddress("::ffff:42.0.5.9")).get(0).block());
  }

  @Test
  void socketAddressesAreReadFromTheirBytesScopeIdsAndMappingAside() throws Exception {
    java.net.Inet6Address scoped = java.net.Inet6Address.getByAddress(null, java.net.InetAddress.getByName("fe80::1").getAddress(), 3);
    assertTrue(scoped.getHostAddress().contains("%"), scoped.getHostAddress());
    assertEquals("fe80::1", RoutingTable.clientAddress(scoped).toCanonicalString());
    assertEquals(List.of(SIX), table().matches(RoutingTable.clientAddress(java.net.InetAddress.getByName("2a01:4f8:1::5"))).get(0).nodes());
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 42;
    mapped[15] = 9;
    assertEquals("42.0.0.9", RoutingTable.clientAddress(java.net.Inet6Address.getByAddress(null, mapped, -1)).toCanonicalString());
  }

  @Test
  void malformedClientAddressesAreRefused() {
    for (String bad : new String[] {"", "x", "1.2.3.0/24", "1.2.3.*", "999.1.1.1", "01.2.3.4", "16909060", "fe80::1%eth0", null}) {
      assertThrows(IllegalArgumentException.class, () -> RoutingTable.clientAddress(bad), String.valueOf(bad));
    }
  }
}
