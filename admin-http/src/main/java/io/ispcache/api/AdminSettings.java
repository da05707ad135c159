package io.ispcache.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import io.ispcache.settings.Pkcs12;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The admin plane's settings, read once from {@code ispcache.admin}. */
public record AdminSettings(
    String iface,
    int port,
    String operatorKey,
    Path operatorKeyFile,
    boolean allowPrivateServerIps,
    Duration heartbeatTimeout,
    Duration askTimeout,
    int contentPort,
    long maxBodyBytes,
    long maxBodyDrainBytes,
    Duration bodyDrainTime,
    Duration heartbeatSaveInterval,
    Duration firstTableWait,
    Duration memberAskTimeout,
    Optional<SSLContext> https) {

  public static AdminSettings fromConfig(Config root) {
    Config c = root.getConfig("ispcache.admin");
    String iface = c.getString("interface").strip();
    if (iface.isEmpty()) {
      throw new InvalidSettingException("ispcache.admin.interface", iface, "must be an address to bind");
    }
    int port = port(c, "port");
    String key = c.getString("operator-key").strip();
    if (!key.isEmpty() && key.length() < 24) {
      throw new InvalidSettingException("ispcache.admin.operator-key", "(hidden)", "must be at least 24 characters, or empty to generate one");
    }
    return new AdminSettings(
        iface,
        port,
        key,
        Path.of(root.getString("ispcache.data-dir"), "admin", "operator.key"),
        c.getBoolean("allow-private-server-ips"),
        duration(c, "heartbeat-timeout"),
        duration(c, "ask-timeout"),
        port(c, "steer-content-port"),
        c.getBytes("max-body-size"),
        c.getBytes("max-body-drain"),
        duration(c, "body-drain-time"),
        duration(c, "heartbeat-save-interval"),
        duration(c, "first-table-wait"),
        duration(c, "member-ask-timeout"),
        https(c, iface));
  }

  /**
   * HTTPS from {@code tls.keystore}; without one, plain HTTP only on a loopback interface (keys
   * travel in every request's Authorization field), unless a lab says otherwise.
   */
  private static Optional<SSLContext> https(Config c, String iface) {
    String keystore = c.getString("tls.keystore").strip();
    if (!keystore.isEmpty()) {
      Path path = Path.of(keystore);
      if (!path.isAbsolute()) {
        throw new InvalidSettingException("ispcache.admin.tls.keystore", keystore, "must be an absolute path to a PKCS12 file");
      }
      return Optional.of(Pkcs12.serverContext("ispcache.admin.tls.keystore", path, c.getString("tls.keystore-password").toCharArray()));
    }
    if (!loopback(iface) && !c.getBoolean("tls.plain-http-beyond-loopback")) {
      throw new InvalidSettingException("ispcache.admin.interface", iface,
          "is not a loopback address, and operator, customer and node keys must not cross a network in clear: set ispcache.admin.tls.keystore"
              + " (HTTPS), or bind 127.0.0.1");
    }
    return Optional.empty();
  }

  private static boolean loopback(String iface) {
    try {
      return InetAddress.getByName(iface).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new InvalidSettingException("ispcache.admin.interface", iface, "is not an address of this machine");
    }
  }

  private static int port(Config c, String key) {
    int p;
    try {
      p = c.getInt(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.admin." + key, null, "must be a port number");
    }
    if (p < 0 || p > 65535) {
      throw new InvalidSettingException("ispcache.admin." + key, p, "must be a port number 0-65535");
    }
    return p;
  }

  private static Duration duration(Config c, String key) {
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.admin." + key, null, "must be a duration such as 30s");
    }
    if (d.isZero() || d.isNegative()) {
      throw new InvalidSettingException("ispcache.admin." + key, d, "must be positive");
    }
    return d;
  }
}
