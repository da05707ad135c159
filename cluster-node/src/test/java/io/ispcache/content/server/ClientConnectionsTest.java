package io.ispcache.content.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ClientConnectionsTest {
  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  @Test
  void anAddressHoldsAtMostItsLimitAndAnotherAddressIsCountedApart() {
    ClientConnections c = new ClientConnections(2);
    assertTrue(c.take(ip("100.64.0.1")));
    assertTrue(c.take(ip("100.64.0.1")));
    assertFalse(c.take(ip("100.64.0.1")));
    assertEquals(2, c.held(ip("100.64.0.1")), "a refusal counts nothing");
    assertTrue(c.take(ip("100.64.0.2")));
  }

  @Test
  void aReleasedConnectionMakesRoomAndAClientWithNoneIsForgotten() {
    ClientConnections c = new ClientConnections(1);
    assertTrue(c.take(ip("192.0.2.7")));
    assertFalse(c.take(ip("192.0.2.7")));
    c.release(ip("192.0.2.7"));
    assertEquals(0, c.clients());
    assertTrue(c.take(ip("192.0.2.7")));
  }

  @Test
  void theAddressesOfOneIpv6Slash64AreOneClient() {
    ClientConnections c = new ClientConnections(2);
    assertTrue(c.take(ip("2001:db8:1:2::1")));
    assertTrue(c.take(ip("2001:db8:1:2:a4f3:9e1:77:5")));
    assertFalse(c.take(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")), "a temporary address of the same /64");
    assertTrue(c.take(ip("2001:db8:1:3::1")), "the next /64 is another subscriber");
  }

  @Test
  void anIpv4AddressIsNotTheIpv6PrefixWithTheSameBits() {
    ClientConnections c = new ClientConnections(1);
    assertTrue(c.take(ip("0.0.0.0")));
    assertTrue(c.take(ip("::2")), "both are 0 bits; the kinds differ");
    assertEquals(2, c.clients());
  }

  @Test
  void anIpv4MappedIpv6AddressIsItsIpv4Address() {
    ClientConnections c = new ClientConnections(1);
    assertTrue(c.take(ip("198.51.100.9")));
    assertFalse(c.take(ip("::ffff:198.51.100.9")));
  }

  @Test
  void limitZeroCountsNothing() {
    ClientConnections c = new ClientConnections(0);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(c.take(ip("203.0.113.1")));
    }
    assertEquals(0, c.clients());
  }
}
