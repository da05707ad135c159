package io.ispcache.origin;

import io.ispcache.freshness.Freshness;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * An upstream CDN the node may fetch from, with its cache policy.
 *
 * @param name unique name; with {@code shareCacheKeys} it replaces the host in cache keys of the
 *     hosts listed by name (see {@link #sharesKeysOf}), so the same path under two CDN host names
 *     is stored once
 * @param hosts the allowlist entries that select this origin
 * @param upstreamAddress where to connect instead of resolving the host (like curl --resolve)
 * @param upstreamProxy an HTTP proxy reached with CONNECT, if the ISP routes upstream traffic so
 * @param queryInCacheKey whether the query string is part of the cache key (Delivery Optimization
 *     URLs carry per-client tokens, so the default drops it)
 * @param maxObjectSize the largest object length the node accepts from this origin (or a peer, for
 *     its objects); a larger stated length is refused before anything is stored or allocated
 * @param freshness how long its objects are used before the origin is asked again
 */
public record Origin(
    String name,
    List<HostPattern> hosts,
    Optional<InetSocketAddress> upstreamAddress,
    Optional<InetSocketAddress> upstreamProxy,
    boolean shareCacheKeys,
    boolean queryInCacheKey,
    long maxObjectSize,
    Freshness.Policy freshness) {

  /** {@code max-object-size} when an origin entry does not set it: Xbox games fit with room. */
  public static final long DEFAULT_MAX_OBJECT_SIZE = 1L << 40;

  public Origin {
    if (maxObjectSize <= 0) {
      throw new IllegalArgumentException("origin " + name + ": max object size must be positive, was " + maxObjectSize);
    }
    if (freshness == null) {
      freshness = Freshness.Policy.ORIGIN;
    }
  }

  /** An origin whose objects are as fresh as their header fields say. */
  public Origin(
      String name,
      List<HostPattern> hosts,
      Optional<InetSocketAddress> upstreamAddress,
      Optional<InetSocketAddress> upstreamProxy,
      boolean shareCacheKeys,
      boolean queryInCacheKey,
      long maxObjectSize) {
    this(name, hosts, upstreamAddress, upstreamProxy, shareCacheKeys, queryInCacheKey, maxObjectSize, Freshness.Policy.ORIGIN);
  }

  /** An origin with the default {@link #DEFAULT_MAX_OBJECT_SIZE}. */
  public Origin(
      String name,
      List<HostPattern> hosts,
      Optional<InetSocketAddress> upstreamAddress,
      Optional<InetSocketAddress> upstreamProxy,
      boolean shareCacheKeys,
      boolean queryInCacheKey) {
    this(name, hosts, upstreamAddress, upstreamProxy, shareCacheKeys, queryInCacheKey, DEFAULT_MAX_OBJECT_SIZE);
  }

  public boolean matches(String host) {
    return hosts.stream().anyMatch(p -> p.matches(host));
  }

  /**
   * Whether {@code host} is keyed in the origin's shared key space: only with
   * {@code shareCacheKeys}, and only for a host listed by name. A host admitted by a wildcard alone
   * is keyed under its own name: any subdomain a wildcard admits (one an attacker can point at
   * anything, or a customer's tenant) would otherwise fill the key space every other host of the
   * origin is answered from.
   */
  public boolean sharesKeysOf(String host) {
    if (!shareCacheKeys) {
      return false;
    }
    for (HostPattern p : hosts) {
      if (!p.isWildcard() && p.matches(host)) {
        return true;
      }
    }
    return false;
  }
}
