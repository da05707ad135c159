package io.ispcache.api;

import akka.actor.dungeon.SerializationCheckFailedException;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import akka.event.Logging;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.ServerBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A single-node admin plane on embedded H2, on a free port, and a small JSON client for it. Every
 * message sent to one of its actors is serialized and read back first
 * ({@code akka.actor.serialize-messages}); Akka only logs one that fails, so {@link #close()}
 * fails the test naming each.
 */
public final class AdminHarness implements AutoCloseable {
  public static final String OPERATOR_KEY = "operator-key-for-tests-0123456789";
  static final ObjectMapper JSON = new ObjectMapper();

  public final ActorSystem<Void> system;
  public final int port;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  /** Messages the plane's actors were sent that did not survive serialization. */
  private final Queue<String> unserializable = new ConcurrentLinkedQueue<>();

  public AdminHarness(Path dataDir) {
    this(dataDir, ConfigFactory.empty(), null);
  }

  /**
   * An admin plane with {@code overrides} over the defaults (another database, say) that joins the
   * cluster at {@code joinTo}, or forms its own when null.
   */
  public AdminHarness(Path dataDir, Config overrides, akka.actor.Address joinTo) {
    this(dataDir, overrides, joinTo, java.time.Clock.systemUTC());
  }

  /** As above, timing heartbeats and reports by {@code clock}. */
  public AdminHarness(Path dataDir, Config overrides, akka.actor.Address joinTo, java.time.Clock clock) {
    Config config =
        overrides.withFallback(ConfigFactory.parseString(
                String.join(
                    "\n",
                    "ispcache.data-dir = \"" + dataDir + "\"",
                    "ispcache.admin { interface = \"127.0.0.1\", port = 0, operator-key = \"" + OPERATOR_KEY + "\", heartbeat-timeout = 60s }",
                    "akka.actor.provider = cluster",
                    "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = 0 }",
                    "akka.cluster.roles = [\"admin\"]",
                    "akka.cluster.jmx.multi-mbeans-in-same-jvm = on",
                    // every message to the registry, feeds and publishers is serialized and read back
                    "akka.actor.serialize-messages = on",
                    "akka.loglevel = WARNING")))
            .withFallback(ConfigFactory.parseResources("ispcache-persistence.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
    system = ActorSystem.create(Behaviors.empty(), "admin-test", config);
    ActorRef<Logging.Error> watch =
        system.systemActorOf(
            Behaviors.receiveMessage(
                (Logging.Error e) -> {
                  if (e.cause() instanceof SerializationCheckFailedException failed) {
                    unserializable.add(failed.getMessage() + " (" + failed.getCause() + ")");
                  }
                  return Behaviors.same();
                }),
            "unserializable-messages",
            Props.empty());
    system.eventStream().tell(new EventStream.Subscribe<>(Logging.Error.class, watch));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(joinTo == null ? cluster.selfMember().address() : joinTo));
    ServerBinding binding = AdminPlane.start(system, AdminHarness::cacheKey, clock).toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
    port = binding.localAddress().getPort();
  }

  /**
   * Origin hosts the harness's key rules allow, each with its subdomains (the cache nodes' real
   * rules are ContentTarget's, under config/origins.conf).
   */
  static final java.util.Set<String> ALLOWED = java.util.Set.of("download.windowsupdate.com", "origin.example.net");

  static String cacheKey(String host, String path, String query) {
    if (ALLOWED.stream().noneMatch(a -> host.equals(a) || host.endsWith("." + a))) {
      throw new IllegalArgumentException("origin host " + host + " is not on this cache's allowlist");
    }
    return host + path + (query == null ? "" : "?" + query);
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Status and parsed body (null when empty). */
  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {}

  public Reply call(String method, String path, String key, String body) throws Exception {
    return call(method, path, key, body == null ? null : "application/json", body);
  }

  /** A call whose body is sent with {@code contentType} (null: no Content-Type field). */
  public Reply call(String method, String path, String key, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode parsed = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
    return new Reply(r.statusCode(), parsed, r);
  }

  /** A GET whose answer is not parsed (CSV), with an {@code Accept} field when not null. */
  public HttpResponse<String> get(String path, String key, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + key);
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    if (!unserializable.isEmpty()) {
      throw new AssertionError("messages that would not cross the network: " + List.copyOf(unserializable));
    }
  }
}
