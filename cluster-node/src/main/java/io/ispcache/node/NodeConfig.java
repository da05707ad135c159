package io.ispcache.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Loads a process's configuration: overrides, the operator's file, ispcache's Akka settings, references. */
public final class NodeConfig {
  private NodeConfig() {}

  /** The operator's config ({@code -Dconfig.file}, or application.conf) on top of the defaults. */
  public static Config load() {
    return load(ConfigFactory.defaultApplication());
  }

  /** {@code overlay} on top of the defaults, resolved. */
  public static Config load(Config overlay) {
    return ConfigFactory.defaultOverrides()
        .withFallback(overlay)
        .withFallback(ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "ispcache-akka.conf"))
        .withFallback(ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "ispcache-persistence.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
