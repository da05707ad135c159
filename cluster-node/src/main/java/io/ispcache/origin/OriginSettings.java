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

  /** The origin an allowlisted host belongs to; empty means the node must refuse the request. */
  public Optional<Origin> originFor(String host) {
    for (Origin o : origins) {
      if (o.matches(host)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
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
    for (int i = 0; i < entries.size(); i++) {
      origins.add(origin(entries.get(i), "ispcache.origins[" + i + "]", names));
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
    return new Origin(
        name,
        List.copyOf(hosts),
        address(c, path, "upstream-address"),
        address(c, path, "upstream-proxy"),
        !c.hasPath("share-cache-keys") || c.getBoolean("share-cache-keys"),
        c.hasPath("query-in-cache-key") && c.getBoolean("query-in-cache-key"),
        maxObjectSize(c, path),
        freshness(c, path));
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
