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
 * @param methods the request methods served: GET and HEAD (the cache) and those forwarded to the
 *     origin with their bodies; {@link #ANY_METHOD} alone for every method
 */
public record Origin(
    String name,
    List<HostPattern> hosts,
    Optional<InetSocketAddress> upstreamAddress,
    Optional<InetSocketAddress> upstreamProxy,
    boolean shareCacheKeys,
    boolean queryInCacheKey,
    long maxObjectSize,
    Freshness.Policy freshness,
    List<String> methods) {

  /** {@code max-object-size} when an origin entry does not set it: Xbox games fit with room. */
  public static final long DEFAULT_MAX_OBJECT_SIZE = 1L << 40;

  /** {@code methods} of a CDN on the allowlist: the cache's own, nothing forwarded. */
  public static final List<String> CACHE_METHODS = List.of("GET", "HEAD");

  /** The {@code methods} entry that allows every method. */
  public static final String ANY_METHOD = "*";

  public Origin {
    if (maxObjectSize <= 0) {
      throw new IllegalArgumentException("origin " + name + ": max object size must be positive, was " + maxObjectSize);
    }
    if (freshness == null) {
      freshness = Freshness.Policy.ORIGIN;
    }
    methods = methods == null ? CACHE_METHODS : List.copyOf(methods);
  }

  /**
   * A CDN origin with the defaults of an allowlist entry: {@link #DEFAULT_MAX_OBJECT_SIZE}, the
   * freshness its header fields say, GET and HEAD only.
   */
  public Origin(
      String name,
      List<HostPattern> hosts,
      Optional<InetSocketAddress> upstreamAddress,
      Optional<InetSocketAddress> upstreamProxy,
      boolean shareCacheKeys,
      boolean queryInCacheKey) {
    this(
        name, hosts, upstreamAddress, upstreamProxy, shareCacheKeys, queryInCacheKey, DEFAULT_MAX_OBJECT_SIZE,
        Freshness.Policy.ORIGIN, CACHE_METHODS);
  }

  public boolean matches(String host) {
    return hosts.stream().anyMatch(p -> p.matches(host));
  }

  /**
   * Whether this origin is a reverse proxy's: {@code hosts = ["*"]} with a fixed upstream address,
   * the node a cache in front of one web origin (as nginx {@code proxy_cache} or Varnish).
   */
  public boolean reverseProxy() {
    return hosts.size() == 1 && hosts.get(0).isAny();
  }

  /** Whether a request with {@code method} (case-sensitive, RFC 9110 §9.1) is served for this origin. */
  public boolean allows(String method) {
    return methods.contains(method) || methods.contains(ANY_METHOD);
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
