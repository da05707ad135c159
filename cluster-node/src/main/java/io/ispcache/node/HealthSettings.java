package io.ispcache.node;

import com.typesafe.config.Config;
import io.ispcache.content.ContentSettings;
import io.ispcache.settings.InvalidSettingException;

/** The health/verification port, read once from {@code ispcache.health}. */
record HealthSettings(String iface, int port) {
  static HealthSettings fromConfig(Config root) {
    Config c = root.getConfig("ispcache.health");
    String iface = c.getString("interface").trim();
    if (iface.isEmpty()) {
      throw new InvalidSettingException("ispcache.health.interface", iface, "must be an address or host name to bind");
    }
    return new HealthSettings(iface, ContentSettings.port(c, "ispcache.health.port", "port"));
  }
}
