package io.ispcache.content;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;

/**
 * The content port, read once from {@code ispcache.content}.
 *
 * @param maxConnectionsPerClient connections one client (an IPv4 address, an IPv6 /64) may hold at
 *     once; 0: no limit
 * @param drainTime how long a leaving node lets downloads in flight go on before it cuts them at a
 *     chunk boundary; 0: cut at once
 */
public record ContentSettings(
    String iface,
    int port,
    int maxRanges,
    boolean clientAcl,
    java.time.Duration idleTimeout,
    java.time.Duration requestTimeout,
    int maxConnections,
    long maxRequestBody,
    int maxConnectionsPerClient,
    java.time.Duration drainTime) {

  /** The longest drain-time: a leave that takes longer than a day is an outage, not a drain. */
  static final java.time.Duration MAX_DRAIN_TIME = java.time.Duration.ofHours(24);

  public static ContentSettings fromConfig(Config root) {
    Config c = root.getConfig("ispcache.content");
    String iface = c.getString("interface").trim();
    if (iface.isEmpty()) {
      throw new InvalidSettingException("ispcache.content.interface", iface, "must be an address or host name to bind");
    }
    int port = port(c, "ispcache.content.port", "port");
    int maxRanges;
    try {
      maxRanges = c.getInt("max-ranges");
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.content.max-ranges", null, "must be a whole number");
    }
    if (maxRanges < 1 || maxRanges > 100) {
      throw new InvalidSettingException("ispcache.content.max-ranges", maxRanges, "must be 1 to 100");
    }
    java.time.Duration idle = duration(c, "idle-timeout");
    java.time.Duration request = duration(c, "request-timeout");
    int maxConnections;
    try {
      maxConnections = c.getInt("max-connections");
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.content.max-connections", null, "must be a whole number");
    }
    if (maxConnections < 1 || maxConnections > 1_000_000) {
      throw new InvalidSettingException("ispcache.content.max-connections", maxConnections, "must be 1 to 1000000");
    }
    long maxRequestBody;
    try {
      maxRequestBody = c.getBytes("max-request-body");
    } catch (ConfigException e) {
      throw new InvalidSettingException(
          "ispcache.content.max-request-body", c.hasPath("max-request-body") ? c.getValue("max-request-body").unwrapped() : null, "must be a size such as 1MiB");
    }
    if (maxRequestBody < 0 || maxRequestBody > 1L << 30) {
      // Held in memory whole while it is forwarded: a gibibyte per connection is already a lot.
      throw new InvalidSettingException("ispcache.content.max-request-body", maxRequestBody, "must be 0 to 1GiB");
    }
    return new ContentSettings(
        iface, port, maxRanges, c.getBoolean("client-acl"), idle, request, maxConnections, maxRequestBody, maxConnectionsPerClient(c),
        drainTime(c));
  }

  /** 0s (cut at once) to {@link #MAX_DRAIN_TIME}. */
  private static java.time.Duration drainTime(Config c) {
    String setting = "ispcache.content.drain-time";
    java.time.Duration d;
    try {
      d = c.getDuration("drain-time");
    } catch (ConfigException e) {
      throw new InvalidSettingException(setting, c.hasPath("drain-time") ? c.getValue("drain-time").unwrapped() : null, "must be a duration such as 10m");
    }
    if (d.isNegative() || d.compareTo(MAX_DRAIN_TIME) > 0) {
      throw new InvalidSettingException(setting, c.getValue("drain-time").unwrapped(), "must be 0s to 24h");
    }
    return d;
  }

  /** A whole number 1 to 1000000, or off (0). */
  private static int maxConnectionsPerClient(Config c) {
    String setting = "ispcache.content.max-connections-per-client";
    String key = "max-connections-per-client";
    Object raw = c.getValue(key).unwrapped();
    if (raw instanceof String text && text.trim().matches("[+-]?[0-9]{1,12}")) {
      raw = Long.parseLong(text.trim()); // from an environment variable, say
    }
    if (raw instanceof Integer || raw instanceof Long) {
      long limit = ((Number) raw).longValue();
      if (limit < 1 || limit > 1_000_000) {
        throw new InvalidSettingException(setting, limit, "must be 1 to 1000000, or off");
      }
      return (int) limit;
    }
    boolean off;
    try {
      off = !c.getBoolean(key);
    } catch (ConfigException e) {
      off = false;
    }
    if (!off) {
      // on, a fraction, a word: no number of connections.
      throw new InvalidSettingException(setting, raw, "must be a whole number, or off");
    }
    return 0;
  }

  /** A timeout of 1 second to 1 hour. */
  private static java.time.Duration duration(Config c, String key) {
    String setting = "ispcache.content." + key;
    java.time.Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException(setting, c.hasPath(key) ? c.getValue(key).unwrapped() : null, "must be a duration such as 60s");
    }
    if (d.compareTo(java.time.Duration.ofSeconds(1)) < 0 || d.compareTo(java.time.Duration.ofHours(1)) > 0) {
      throw new InvalidSettingException(setting, c.getValue(key).unwrapped(), "must be 1s to 1h");
    }
    return d;
  }

  /** A TCP port 0-65535 (0: any free port, for tests). */
  public static int port(Config c, String setting, String key) {
    int port;
    try {
      port = c.getInt(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException(setting, c.hasPath(key) ? c.getValue(key).unwrapped() : null, "must be a port number 0-65535");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidSettingException(setting, port, "must be a port number 0-65535");
    }
    return port;
  }
}
