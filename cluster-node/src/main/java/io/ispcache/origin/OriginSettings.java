package io.ispcache.origin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import io.ispcache.freshness.Freshness;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The origin allowlist and upstream client limits, read once from {@code ispcache.origins}. */
public record OriginSettings(
    List<Origin> origins,
    Duration connectTimeout,
    Duration responseTimeout,
    Duration idleTimeout,
    int maxConnectionsPerHost,
    Duration exchangeTimeout) {

  /**
   * The origin an allowlisted host belongs to; empty means the node must refuse the request. An
   * origin with {@code hosts = ["*"]} answers only for hosts no other origin lists, wherever it
   * stands in the list.
   */
  public Optional<Origin> originFor(String host) {
    Origin any = null;
    for (Origin o : origins) {
      if (o.reverseProxy()) {
        any = o;
      } else if (o.matches(host)) {
        return Optional.of(o);
      }
    }
    return Optional.ofNullable(any);
  }

  /** The largest {@code max-object-size} of any origin: no stored object may be longer. */
  public long largestMaxObjectSize() {
    long largest = 0;
    for (Origin o : origins) {
      largest = Math.max(largest, o.maxObjectSize());
    }
    return largest;
  }

  public static OriginSettings fromConfig(Config root) {
    List<? extends Config> entries;
    try {
      entries = root.getConfigList("ispcache.origins");
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.origins", null, "must be a list of origin objects");
    }
    if (entries.isEmpty()) {
      throw new InvalidSettingException("ispcache.origins", "[]", "at least one origin is needed");
    }
    List<Origin> origins = new ArrayList<>();
    Set<String> names = new HashSet<>();
    String anyHost = null;
    for (int i = 0; i < entries.size(); i++) {
      String path = "ispcache.origins[" + i + "]";
      Origin o = origin(entries.get(i), path, names);
      if (o.reverseProxy()) {
        if (anyHost != null) {
          throw new InvalidSettingException(
              path + ".hosts", "[\"*\"]", "only one origin may list \"*\" (" + anyHost + " already does)");
        }
        anyHost = o.name();
      }
      origins.add(o);
    }
    Config u = root.getConfig("ispcache.upstream");
    int maxConnections = u.getInt("max-connections-per-host");
    if (maxConnections < 1 || maxConnections > 1024) {
      throw new InvalidSettingException(
          "ispcache.upstream.max-connections-per-host", maxConnections, "must be 1 to 1024");
    }
    return new OriginSettings(
        List.copyOf(origins),
        positive(u, "ispcache.upstream", "connect-timeout"),
        positive(u, "ispcache.upstream", "response-timeout"),
        positive(u, "ispcache.upstream", "idle-timeout"),
        maxConnections,
        positive(u, "ispcache.upstream", "exchange-timeout"));
  }

  private static Duration positive(Config c, String prefix, String key) {
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException(prefix + "." + key, null, "must be a duration such as 10s");
    }
    if (d.isNegative() || d.isZero()) {
      throw new InvalidSettingException(prefix + "." + key, d, "must be positive");
    }
    return d;
  }

  private static Origin origin(Config c, String path, Set<String> names) {
    String name = c.hasPath("name") ? c.getString("name").trim() : "";
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new InvalidSettingException(
          path + ".name", name, "must be 1-63 lower-case letters, digits or '-'");
    }
    if (!names.add(name)) {
      throw new InvalidSettingException(path + ".name", name, "must be unique among origins");
    }
    List<String> rawHosts;
    try {
      rawHosts = c.getStringList("hosts");
    } catch (ConfigException e) {
      throw new InvalidSettingException(path + ".hosts", null, "must be a list of host names");
    }
    if (rawHosts.isEmpty()) {
      throw new InvalidSettingException(path + ".hosts", "[]", "must name at least one host");
    }
    List<HostPattern> hosts = new ArrayList<>();
    for (int i = 0; i < rawHosts.size(); i++) {
      try {
        hosts.add(new HostPattern(rawHosts.get(i)));
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException(path + ".hosts[" + i + "]", rawHosts.get(i), e.getMessage());
      }
    }
    Optional<InetSocketAddress> upstreamAddress = address(c, path, "upstream-address");
    boolean anyHost = hosts.stream().anyMatch(HostPattern::isAny);
    if (anyHost && hosts.size() > 1) {
      // Mixed, the named hosts would mean nothing: "*" already admits them, to the same upstream.
      throw new InvalidSettingException(
          path + ".hosts", rawHosts, "\"*\" (reverse-proxy mode) must be the only entry: it already matches every host");
    }
    if (anyHost && upstreamAddress.isEmpty()) {
      // Without a fixed upstream the client's Host would choose where the node connects: an open proxy.
      throw new InvalidSettingException(
          path + ".hosts", rawHosts, "\"*\" (reverse-proxy mode) needs upstream-address: the node must never be an open proxy");
    }
    return new Origin(
        name,
        List.copyOf(hosts),
        upstreamAddress,
        address(c, path, "upstream-proxy"),
        !c.hasPath("share-cache-keys") || c.getBoolean("share-cache-keys"),
        // A web origin behind a reverse proxy answers according to the query (/search?q=...):
        // there it is part of the key, and of the request sent upstream, unless set otherwise.
        c.hasPath("query-in-cache-key") ? c.getBoolean("query-in-cache-key") : anyHost,
        maxObjectSize(c, path),
        freshness(c, path),
        methods(c, path, anyHost));
  }

  /** Method names a {@code methods} entry may list (RFC 9110 §9.3, RFC 5789 PATCH). */
  static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH");

  /**
   * {@code methods}: GET and HEAD and the methods forwarded to the origin, or {@code ["*"]} for
   * every method. The default is {@code ["*"]} in reverse-proxy mode, GET and HEAD otherwise.
   * Names are checked against the methods HTTP defines so a typo is a start-up error rather than a
   * method silently refused; {@code ["*"]} also forwards methods not named here (WebDAV's, say).
   */
  private static List<String> methods(Config c, String path, boolean reverseProxy) {
    String key = path + ".methods";
    if (!c.hasPath("methods")) {
      return reverseProxy ? List.of(Origin.ANY_METHOD) : Origin.CACHE_METHODS;
    }
    List<String> raw;
    try {
      raw = c.getStringList("methods");
    } catch (ConfigException e) {
      throw new InvalidSettingException(key, c.getValue("methods").unwrapped(), "must be a list of method names such as [GET, HEAD, POST]");
    }
    List<String> methods = new ArrayList<>();
    for (String m : raw) {
      String name = m.trim();
      if (name.equals(Origin.ANY_METHOD)) {
        if (raw.size() > 1) {
          throw new InvalidSettingException(key, raw, "\"*\" (every method) must be the only entry");
        }
      } else if (name.equals("CONNECT")) {
        throw new InvalidSettingException(key, raw, "CONNECT is never served: the node does not open tunnels");
      } else if (!KNOWN_METHODS.contains(name)) {
        throw new InvalidSettingException(
            key, raw, "lists " + name + ", which is not one of " + new java.util.TreeSet<>(KNOWN_METHODS) + " (names are upper case)");
      }
      if (!methods.contains(name)) {
        methods.add(name);
      }
    }
    if (!methods.contains(Origin.ANY_METHOD) && !(methods.contains("GET") && methods.contains("HEAD"))) {
      throw new InvalidSettingException(key, raw, "must include GET and HEAD, which the cache serves");
    }
    return List.copyOf(methods);
  }

  /** {@code freshness}: {@code origin} (the default), {@code immutable}, or a duration such as 1h. */
  private static Freshness.Policy freshness(Config c, String path) {
    if (!c.hasPath("freshness")) {
      return Freshness.Policy.ORIGIN;
    }
    String key = path + ".freshness";
    String value = c.getValue("freshness").unwrapped().toString().trim();
    if (value.equals("origin")) {
      return Freshness.Policy.ORIGIN;
    }
    if (value.equals("immutable")) {
      return Freshness.Policy.IMMUTABLE;
    }
    java.time.Duration ttl;
    try {
      ttl = c.getDuration("freshness");
    } catch (ConfigException e) {
      throw new InvalidSettingException(key, value, "must be origin, immutable, or a duration such as 1h");
    }
    if (ttl.isNegative() || ttl.compareTo(java.time.Duration.ofDays(3650)) > 0) {
      throw new InvalidSettingException(key, value, "must be a duration of 0s to 3650d");
    }
    return Freshness.Policy.fixed(ttl);
  }

  private static long maxObjectSize(Config c, String path) {
    String key = path + ".max-object-size";
    if (!c.hasPath("max-object-size")) {
      return Origin.DEFAULT_MAX_OBJECT_SIZE;
    }
    long size;
    try {
      size = c.getBytes("max-object-size");
    } catch (ConfigException e) {
      throw new InvalidSettingException(key, c.getValue("max-object-size").unwrapped(), "must be a size such as 1TiB");
    }
    if (size <= 0) {
      throw new InvalidSettingException(key, size, "must be positive");
    }
    return size;
  }

  private static Optional<InetSocketAddress> address(Config c, String path, String key) {
    if (!c.hasPath(key) || c.getString(key).isBlank()) {
      return Optional.empty();
    }
    String value = c.getString(key).trim();
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new InvalidSettingException(path + "." + key, value, "must be host:port");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(path + "." + key, value, "port must be a number 1-65535");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidSettingException(path + "." + key, value, "port must be a number 1-65535");
    }
    return Optional.of(InetSocketAddress.createUnresolved(host, port));
  }
}
