package io.ispcache.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ispcache.settings.Pkcs12;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activates the cache node against the registry with its keys (customer id, cache node id, node
 * key) and then reports health and traffic periodically, so steering sends clients only to nodes
 * that are alive.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AgentSettings settings;
  private final Supplier<NodeFigures> figures;
  private final HttpClient http;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ispcache-node-agent");
        t.setDaemon(true);
        return t;
      });

  public NodeAgent(AgentSettings settings, Supplier<NodeFigures> figures) {
    this.settings = settings;
    this.figures = figures;
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    settings.trust().ifPresent(tls -> client.sslContext(tls).sslParameters(Pkcs12.parameters(tls)));
    this.http = client.build();
  }

  /** Completes with the registry's view of this node, or fails saying why the keys were refused. */
  public CompletionStage<JsonNode> activate() {
    return post("/api/v1/agent/activate", keys())
        .exceptionally(
            e -> {
              Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              if (cause instanceof SSLException) {
                throw new IllegalStateException(
                    "the registry at " + settings.registry() + " did not pass the TLS check (" + cause.getMessage()
                        + "); name its certificate or CA in ispcache.agent.trust-store", cause);
              }
              throw new IllegalStateException("the registry at " + settings.registry() + " cannot be reached: " + cause, cause);
            })
        .thenApply(
            r -> {
              if (r.statusCode() != 200) {
                throw new IllegalStateException(
                    "the registry refused this node's activation (" + r.statusCode() + "): " + detail(r.body())
                        + "; check ispcache.agent.customer-id, cache-node-id and node-key");
              }
              return read(r.body());
            });
  }

  /** Sends a heartbeat now and then every interval until closed. */
  public void startHeartbeats() {
    timer.scheduleWithFixedDelay(this::beat, 0, settings.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void beat() {
    NodeFigures f = figures.get();
    Map<String, Object> body = keys();
    body.put("healthy", f.healthy());
    body.put("hitBytes", f.hitBytes());
    body.put("missBytes", f.missBytes());
    body.put("egressBytes", f.egressBytes());
    body.put("requests", f.requests());
    body.put("diskUsedBytes", f.diskUsedBytes());
    body.put("diskCapacityBytes", f.diskCapacityBytes());
    body.put("peerBytes", f.peerBytes());
    body.put("originBytes", f.originBytes());
    body.put("hitRequests", f.hitRequests());
    body.put("errors", f.errors());
    try {
      HttpResponse<String> r = post("/api/v1/agent/heartbeat", body).toCompletableFuture().get(15, TimeUnit.SECONDS);
      if (r.statusCode() != 200) {
        log.warn("registry refused a heartbeat ({}): {}", r.statusCode(), detail(r.body()));
      }
    } catch (Exception e) {
      log.warn("heartbeat to {} failed: {}", settings.registry(), e.toString());
    }
  }

  private Map<String, Object> keys() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("customerId", settings.customerId());
    body.put("cacheNodeId", settings.cacheNodeId());
    body.put("nodeKey", settings.nodeKey());
    return body;
  }

  private CompletionStage<HttpResponse<String>> post(String path, Object body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(settings.registry().resolve(settings.registry().getPath() + path))
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
              .build();
      return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalStateException("the registry answered something that is not JSON");
    }
  }

  private static String detail(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n.has("detail") ? n.get("detail").asText() : body;
    } catch (Exception e) {
      return body;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
