package io.ispcache.content.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per client, each client held to a limit. A client is an IPv4 address, or an
 * IPv6 /64: a subscriber's line gets at least a /64, and one host may take any address in it
 * (RFC 8981 temporary addresses), so a limit per IPv6 address would bound nothing. Thread-safe:
 * connections are taken on the accepting thread and given back on their own loops'.
 */
final class ClientConnections {
  /** An IPv4 address, or the first 64 bits of an IPv6 address. */
  record Client(boolean v6, long bits) {
    static Client of(InetAddress address) {
      byte[] a = address.getAddress();
      if (address instanceof Inet4Address) {
        return new Client(false, ByteBuffer.wrap(a).getInt() & 0xFFFF_FFFFL);
      }
      return new Client(true, ByteBuffer.wrap(a).getLong());
    }
  }

  private final int limit;
  /** Only clients with a connection open: at most as many entries as connections. */
  private final ConcurrentHashMap<Client, Integer> open = new ConcurrentHashMap<>();

  /** @param limit connections one client may hold; 0: no limit (nothing is counted) */
  ClientConnections(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit " + limit);
    }
    this.limit = limit;
  }

  /** Counts a connection of {@code address}, or answers false (counting nothing) if it holds its limit. */
  boolean take(InetAddress address) {
    if (limit == 0) {
      return true;
    }
    boolean[] taken = {false};
    open.compute(
        Client.of(address),
        (c, n) -> {
          int held = n == null ? 0 : n;
          if (held >= limit) {
            return n;
          }
          taken[0] = true;
          return held + 1;
        });
    return taken[0];
  }

  /** Gives back a connection {@link #take} counted. */
  void release(InetAddress address) {
    if (limit == 0) {
      return;
    }
    open.computeIfPresent(Client.of(address), (c, n) -> n == 1 ? null : n - 1);
  }

  /** Connections {@code address}'s client holds now. */
  int held(InetAddress address) {
    return open.getOrDefault(Client.of(address), 0);
  }

  /** Clients holding a connection now. */
  int clients() {
    return open.size();
  }
}
