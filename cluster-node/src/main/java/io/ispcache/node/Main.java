package io.ispcache.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.util.concurrent.CompletionException;

/** Boots an ispcache process from {@code -Dconfig.file=…} (default: the single-node defaults). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Config config;
    try {
      config = ConfigFactory.load();
    } catch (ConfigException e) {
      System.err.println("ispcache: configuration cannot be read: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      CacheNode.start(config).toCompletableFuture().join();
    } catch (InvalidSettingException e) {
      System.err.println("ispcache: " + e.getMessage());
      System.exit(2);
    } catch (CompletionException | java.io.UncheckedIOException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof InvalidSettingException ise) {
        System.err.println("ispcache: " + ise.getMessage());
      } else {
        System.err.println("ispcache: cannot start: " + cause);
      }
      System.exit(1);
    }
  }
}
