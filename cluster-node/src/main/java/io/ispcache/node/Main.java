package io.ispcache.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.util.concurrent.CompletionException;

/** Boots an ispcache process from {@code -Dconfig.file=…} (default: the single-node defaults). */
public final class Main {
  private Main() {}

  /**
   * SIGTERM is the operator's "leave gracefully": run coordinated shutdown (unbind, let downloads
   * finish within the configured deadline, hand off shards, leave the cluster) and exit 0, as a
   * service manager expects of an orderly stop.
   */
  @SuppressWarnings("restriction")
  private static void exitZeroOnSigterm(CacheNode node) {
    sun.misc.Signal.handle(
        new sun.misc.Signal("TERM"),
        signal ->
            akka.actor.CoordinatedShutdown.get(node.system())
                .run(akka.actor.CoordinatedShutdown.jvmExitReason()));
  }

  public static void main(String[] args) {
    Config config;
    try {
      config =
          NodeConfig.load(
              ConfigFactory.parseString("akka.coordinated-shutdown.exit-jvm = on")
                  .withFallback(ConfigFactory.defaultApplication()));
    } catch (ConfigException e) {
      System.err.println("ispcache: configuration cannot be read: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      CacheNode node = CacheNode.start(config).toCompletableFuture().join();
      exitZeroOnSigterm(node);
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
