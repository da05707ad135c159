package io.ispcache.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.util.concurrent.CompletionException;
import org.slf4j.LoggerFactory;

/**
 * Boots an ispcache process from {@code -Dconfig.file=…} (default: the single-node defaults). With
 * {@code --check-config} it only validates the settings, with {@code --print-config} it also prints
 * them, secrets redacted; either exits 2 with one line on a bad or unknown setting.
 */
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

  /**
   * Stages that Akka hands out (scala-java8-compat) run even a plain {@code thenApply} on the
   * common pool; with its default parallelism of cores - 1 a 2-core machine gets parallelism 1, and
   * then {@code CompletableFuture} starts a new thread for every such callback (thousands per GiB
   * of a cold download). Two or more makes them run on the pool's threads. Set before anything
   * touches the pool; an operator's own {@code -D} setting wins.
   */
  static void commonPoolOfAtLeastTwo() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null) {
      System.setProperty(key, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }

  /**
   * The origin client's socket buffers (Netty's pooled direct memory) are counted by Netty itself,
   * apart from the JDK's direct memory that chunk memory and staging buffers share, so that reads
   * from origins never fail because chunk memory took the JDK's share; the jar's manifest opens
   * {@code java.nio} for it. Netty's own limit is {@code -Dio.netty.maxDirectMemory} (default:
   * the JVM's direct memory size again).
   */
  static void nettyCountsItsOwnDirectMemory() {
    String key = "io.netty.tryReflectionSetAccessible";
    if (System.getProperty(key) == null) {
      System.setProperty(key, "true");
    }
    // Netty's default leak detection records a stack trace for one buffer in 128: 700 traces per
    // cold GiB. The origin client's buffers are released in few, tested places; an operator who
    // suspects a leak sets -Dio.netty.leakDetection.level=advanced.
    String leaks = "io.netty.leakDetection.level";
    if (System.getProperty(leaks) == null) {
      System.setProperty(leaks, "disabled");
    }
  }

  public static void main(String[] args) {
    if (args.length > 1 || (args.length == 1 && !args[0].equals("--check-config") && !args[0].equals("--print-config"))) {
      System.err.println("ispcache: usage: java -jar ispcache-node.jar [--check-config | --print-config]");
      System.exit(2);
      return;
    }
    commonPoolOfAtLeastTwo();
    nettyCountsItsOwnDirectMemory();
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
    if (args.length > 0 && args[0].equals("--print-config")) {
      // Printed before the checks: a support bundle wants the settings most when one is wrong.
      System.out.println(EffectiveConfig.render(config));
    }
    try {
      KnownSettings.ofClasspath().check(config);
      CacheNode.checkSettings(config);
    } catch (InvalidSettingException e) {
      System.err.println("ispcache: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (args.length > 0) {
      // bin/ispcache --check-config / --print-config: the settings are valid; nothing starts.
      System.out.println("ispcache: config is valid");
      System.exit(0);
      return;
    }
    LoggerFactory.getLogger(Main.class)
        .info("effective config (secrets redacted):\n{}", EffectiveConfig.render(config));
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
