package io.ispcache.agent;

import com.typesafe.config.Config;
import io.ispcache.settings.InvalidSettingException;
import io.ispcache.settings.Pkcs12;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The node agent's settings from {@code ispcache.agent}; absent registry URL means no agent. */
public record AgentSettings(
    URI registry, String customerId, String cacheNodeId, String nodeKey, Duration heartbeatInterval, Optional<SSLContext> trust) {

  public static Optional<AgentSettings> fromConfig(Config root) {
    Config c = root.getConfig("ispcache.agent");
    String url = c.getString("registry-url").strip();
    if (url.isEmpty()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingException("ispcache.agent.registry-url", url, "must be an http(s) URL of the admin API");
    }
    if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
      throw new InvalidSettingException("ispcache.agent.registry-url", url, "must be an http(s) URL of the admin API");
    }
    for (String key : new String[] {"customer-id", "cache-node-id", "node-key"}) {
      if (c.getString(key).isBlank()) {
        throw new InvalidSettingException("ispcache.agent." + key, "", "is required when ispcache.agent.registry-url is set");
      }
    }
    Duration every = c.getDuration("heartbeat-interval");
    if (every.isZero() || every.isNegative()) {
      throw new InvalidSettingException("ispcache.agent.heartbeat-interval", every, "must be positive");
    }
    return Optional.of(new AgentSettings(
        uri, c.getString("customer-id").strip(), c.getString("cache-node-id").strip(), c.getString("node-key").strip(), every, trust(c, uri)));
  }

  /**
   * The certificates an https registry must present: the trust store's, else the JVM's CAs. An
   * http registry is accepted on loopback only, as the admin port serves it: the node key is in
   * every heartbeat.
   */
  private static Optional<SSLContext> trust(Config c, URI registry) {
    String store = c.getString("trust-store").strip();
    if (registry.getScheme().equals("http")) {
      if (!loopback(registry.getHost()) && !c.getBoolean("plain-http-beyond-loopback")) {
        throw new InvalidSettingException("ispcache.agent.registry-url", registry,
            "is plain http to another machine, which would send this node's key in clear: use the admin port's https:// URL");
      }
      return Optional.empty();
    }
    if (store.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(store);
    if (!path.isAbsolute()) {
      throw new InvalidSettingException("ispcache.agent.trust-store", store, "must be an absolute path to a PKCS12 file");
    }
    return Optional.of(Pkcs12.clientContext("ispcache.agent.trust-store", path, c.getString("trust-store-password").toCharArray()));
  }

  private static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
