package io.ispcache.peer;

import com.typesafe.config.Config;
import io.ispcache.settings.InvalidSettingException;

/** The node-to-node chunk transfer port, read once from {@code ispcache.peer}. */
public record PeerSettings(String iface, int port, String advertisedHost) {
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
    return new PeerSettings(iface, port, advertised);
  }
}
