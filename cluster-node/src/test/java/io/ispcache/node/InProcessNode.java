package io.ispcache.node;

import akka.actor.dungeon.SerializationCheckFailedException;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import akka.event.Logging;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A cache node started inside the test JVM on free ports, its origins pointed at a test origin on
 * 127.0.0.1 under the CDN-like host {@link #ORIGIN_HOST}.
 *
 * <p>Every message sent to one of its actors is serialized and read back first
 * ({@code akka.actor.serialize-messages}), as if it crossed the network; Akka only logs a message
 * that fails this, so {@link #close()} fails the test naming each one.
 */
public final class InProcessNode implements AutoCloseable {
  public static final String ORIGIN_HOST = "origin.example.net";
  /** A second host listed by name in the test origin: it shares {@link #ORIGIN_HOST}'s keys. */
  public static final String ORIGIN_ALIAS = "alias.example.net";

  private final CacheNode node;
  /** Messages the node's actors were sent that did not survive serialization. */
  private final Queue<String> unserializable = new ConcurrentLinkedQueue<>();

  private InProcessNode(CacheNode node) {
    this.node = node;
    ActorRef<Logging.Error> watch =
        node.system()
            .systemActorOf(
                Behaviors.receiveMessage(
                    (Logging.Error e) -> {
                      if (e.cause() instanceof SerializationCheckFailedException failed) {
                        unserializable.add(failed.getMessage() + " (" + failed.getCause() + ")");
                      }
                      return Behaviors.same();
                    }),
                "unserializable-messages",
                Props.empty());
    node.system().eventStream().tell(new EventStream.Subscribe<>(Logging.Error.class, watch));
  }

  /** A process without the cache role (admin only, say): no content port. */
  public static InProcessNode startWithoutContent(Path dataDir, int originPort, String extra) {
    return start(dataDir, originPort, extra);
  }

  /** {@code extra} is HOCON that overrides the test defaults (e.g. a smaller drive). */
  public static InProcessNode start(Path dataDir, int originPort, String extra) {
    Config config =
        NodeConfig.load(ConfigFactory.parseString(extra)
            .withFallback(
                ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "ispcache.data-dir = \"" + dataDir.toAbsolutePath().toString().replace("\\", "/") + "\"",
                        "ispcache.content { interface = \"127.0.0.1\", port = 0 }",
                        "ispcache.health { interface = \"127.0.0.1\", port = 0 }",
                        "ispcache.peer { interface = \"127.0.0.1\", port = 0 }",
                        "ispcache.store.chunk-size = 256KiB",
                        "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 1GiB } ]",
                        "ispcache.upstream { response-timeout = 2s, idle-timeout = 2s, connect-timeout = 2s }",
                        "ispcache.origins = [",
                        "  { name = \"test\", hosts = [\"" + ORIGIN_HOST + "\", \"" + ORIGIN_ALIAS + "\", \"*.cdn.example.net\"],",
                        "    upstream-address = \"127.0.0.1:" + originPort + "\" }",
                        "  { name = \"other\", hosts = [\"other.example.org\"], share-cache-keys = false,",
                        "    query-in-cache-key = true, upstream-address = \"127.0.0.1:" + originPort + "\" }",
                        "]",
                        "akka.cluster.roles = [\"cache\"]",
                        "akka.cluster.jmx.multi-mbeans-in-same-jvm = on",
                        // Every message an actor is sent goes through its serializer, as if it crossed the network.
                        "akka.actor.serialize-messages = on",
                        "akka.remote.artery.canonical.port = 0",
                        "ispcache.cluster.management = false",
                        "akka.coordinated-shutdown.phases.cluster-sharding-shutdown-region.timeout = 3s",
                        "akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
                        "akka.loglevel = WARNING"))));
    CacheNode node =
        CacheNode.start(config).toCompletableFuture().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
    InProcessNode started = new InProcessNode(node);
    started.awaitUp(Duration.ofSeconds(20));
    return started;
  }

  private void awaitUp(Duration deadline) {
    node.memberUp()
        .toCompletableFuture()
        .orTimeout(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .join();
  }

  /** {@code path} (with its own query, if any) of the test origin, through the cache. */
  public URI url(String path) {
    String sep = path.contains("?") ? "&" : "?";
    return URI.create("http://127.0.0.1:" + node.contentPort() + path + sep + "cacheHostOrigin=" + ORIGIN_HOST);
  }

  /**
   * HOCON that makes another node join this one's cluster: this node's Artery address as it was
   * bound (port 0 is the default, so no port is probed for and then raced for).
   */
  public String seedNodes() {
    return "akka.cluster.seed-nodes = [\"" + akka.cluster.typed.Cluster.get(node.system()).selfMember().address() + "\"]\n";
  }

  public URI contentRoot() {
    return URI.create("http://127.0.0.1:" + node.contentPort());
  }

  public URI health(String path) {
    return URI.create("http://127.0.0.1:" + node.healthPort() + path);
  }

  public CacheNode node() {
    return node;
  }

  @Override
  public void close() {
    node.shutdown().toCompletableFuture().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    if (!unserializable.isEmpty()) {
      throw new AssertionError("messages that would not cross the network: " + List.copyOf(unserializable));
    }
  }
}
