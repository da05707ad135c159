package io.ispcache.peer;

import com.typesafe.config.Config;
import io.ispcache.settings.InvalidSettingException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The node-to-node chunk transfer port, read once from {@code ispcache.peer}. A port reachable
 * from anywhere but this machine needs the cluster's shared secret.
 */
public record PeerSettings(String iface, int port, String advertisedHost, PeerSecret secret) {
  public static PeerSettings fromConfig(Config root) {
    Config c = root.getConfig("ispcache.peer");
    String iface = c.getString("interface").trim();
    if (iface.isEmpty()) {
      throw new InvalidSettingException("ispcache.peer.interface", iface, "must be an address to bind");
    }
    int port;
    try {
      port = c.getInt("port");
    } catch (com.typesafe.config.ConfigException e) {
      throw new InvalidSettingException("ispcache.peer.port", null, "must be a port number 0-65535");
    }
    if (port < 0 || port > 65535) {
      throw new InvalidSettingException("ispcache.peer.port", port, "must be a port number 0-65535");
    }
    // Peers reach this node where Akka remoting does, unless told otherwise.
    String advertised = c.getString("advertised-host").trim();
    if (advertised.isEmpty()) {
      advertised = root.getString("akka.remote.artery.canonical.hostname");
    }
    PeerSecret secret;
    try {
      secret = PeerSecret.of(c.getString("secret").trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException("ispcache.peer.secret", "(hidden)", e.getMessage());
    }
    if (secret.isNone() && !loopback(iface)) {
      throw new InvalidSettingException(
          "ispcache.peer.secret", "",
          "is required when the transfer port listens beyond loopback (ispcache.peer.interface = " + iface
              + "): the same random value on every node, e.g. openssl rand -base64 32");
    }
    return new PeerSettings(iface, port, advertised, secret);
  }

  /** Whether {@code iface} binds loopback only (a name that does not resolve is not). */
  static boolean loopback(String iface) {
    try {
      return InetAddress.getByName(iface).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
