package io.ispcache.agent;

import com.typesafe.config.Config;
import io.ispcache.settings.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** The node agent's settings from {@code ispcache.agent}; absent registry URL means no agent. */
public record AgentSettings(URI registry, String customerId, String cacheNodeId, String nodeKey, Duration heartbeatInterval) {

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
    return Optional.of(new AgentSettings(uri, c.getString("customer-id").strip(), c.getString("cache-node-id").strip(), c.getString("node-key").strip(), every));
  }
}
