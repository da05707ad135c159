package io.ispcache.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Issue 20's scenario 3, the admin plane under load: customers' portals and scripts create, read,
 * edit (egress, then CIDR blocks) and delete cache nodes at a realistic rate while clients ask the
 * steering endpoint at a high rate. Before the run it registers {@code nodes} cache nodes with a
 * heartbeat each (healthy, so steering answers them) for one customer, and a second customer whose
 * API key the CRUD scenario uses. Fails the run on any failed request and on a p99 above the bounds.
 * Loopback by default; bounded in users and time.
 *
 * <p>Properties: {@code admin} (base URL), {@code operatorKey}, {@code register} (true), {@code nodes} (200), {@code steerRate}
 * (requests/s, 2000), {@code crudRate} (node lifecycles/s, 5 requests each, 5), {@code seconds} (30),
 * {@code connections} (64, shared by all users),
 * {@code steerP99} (ms, 10), {@code crudP99} (ms, 100).
 */
public class AdminSteeringSimulation extends Simulation {
  static final String BASE = System.getProperty("admin", "http://127.0.0.1:19090");
  static final String OPERATOR_KEY = System.getProperty("operatorKey", "gatling-operator-key-0123456789abcdef");
  static final int NODES = Integer.getInteger("nodes", 200);
  static final int STEER_RATE = Integer.getInteger("steerRate", 2000);
  static final int CRUD_RATE = Integer.getInteger("crudRate", 5);
  static final int SECONDS = Integer.getInteger("seconds", 30);
  static final int CONNECTIONS = Integer.getInteger("connections", 64);
  static final int STEER_P99_MS = Integer.getInteger("steerP99", 10);
  static final int CRUD_P99_MS = Integer.getInteger("crudP99", 100);
  /** Whether to register the steering nodes (false: they are there already, as load-tests/steering/run.sh registers them). */
  static final boolean REGISTER = Boolean.parseBoolean(System.getProperty("register", "true"));

  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"([^\"]*)\"");
  private final HttpClient setup = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private volatile String crudKey;
  private volatile String crudResource;

  /** Node lifecycles so far: each gets its own name, server IP and /24s (70/8, then 71/8; steering's nodes are in 50/8). */
  private final AtomicInteger lifecycles = new AtomicInteger();

  Iterator<Map<String, Object>> clients =
      Stream.generate(
              () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                // Registered blocks are 50.<i/256>.<i%256>.0/24 for i < NODES; a fifth of clients are outside.
                int i = r.nextInt(NODES);
                String ip = r.nextInt(5) == 0
                    ? "60." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256)
                    : "50." + (i / 256) + "." + (i % 256) + "." + r.nextInt(256);
                return Map.<String, Object>of("ip", ip);
              })
          .iterator();

  Iterator<Map<String, Object>> lifecycle =
      Stream.generate(
              () -> {
                int n = lifecycles.getAndIncrement();
                String net = (n / 256 % 256) + "." + (n % 256);
                return Map.<String, Object>of(
                    "name", "crud" + n,
                    "serverIp", "21." + (n / 65536 % 256) + "." + net,
                    "blocks", "70." + net + ".0/24",
                    "moved", "71." + net + ".0/24",
                    "key", crudKey,
                    "resource", crudResource);
              })
          .iterator();

  /**
   * Clients share a bounded pool, as a steering client's resolver or proxy keeps its connections:
   * a request waits for a free connection (and that wait counts in its time) instead of opening
   * one more, which would measure connection set-up rather than answers.
   */
  HttpProtocolBuilder protocol =
      http.baseUrl(BASE).shareConnections().maxConnectionsPerHost(CONNECTIONS).contentTypeHeader("application/json");

  ScenarioBuilder steer =
      scenario("steering").feed(clients).exec(http("steer").get("/api/v1/steer?clientIp=#{ip}").check(status().is(200)));

  ScenarioBuilder crud =
      scenario("node CRUD")
          .feed(lifecycle)
          .exec(
              http("create node").post("/api/v1/nodes").header("Authorization", "Bearer #{key}")
                  .body(StringBody("{\"resourceId\":\"#{resource}\",\"name\":\"#{name}\",\"serverIp\":\"#{serverIp}\",\"cidrBlocks\":\"#{blocks}\"}"))
                  .check(status().is(201), jsonPath("$.id").saveAs("id"), jsonPath("$.ipSpaceStatus").is("VALID")),
              http("read node").get("/api/v1/nodes/#{id}").header("Authorization", "Bearer #{key}").check(status().is(200)),
              http("edit egress").patch("/api/v1/nodes/#{id}").header("Authorization", "Bearer #{key}")
                  .body(StringBody("{\"maxEgressMbps\":5000}")).check(status().is(200), jsonPath("$.maxEgressMbps").is("5000")),
              http("edit blocks").patch("/api/v1/nodes/#{id}").header("Authorization", "Bearer #{key}")
                  .body(StringBody("{\"cidrBlocks\":\"#{moved}\"}")).check(status().is(200), jsonPath("$.cidrBlocks").isEL("#{moved}")),
              http("delete node").delete("/api/v1/nodes/#{id}").header("Authorization", "Bearer #{key}").check(status().is(204)));

  {
    setUp(
            steer.injectOpen(constantUsersPerSec(STEER_RATE).during(SECONDS)),
            crud.injectOpen(constantUsersPerSec(CRUD_RATE).during(SECONDS)))
        .protocols(protocol)
        .assertions(
            global().failedRequests().count().is(0L),
            details("steer").responseTime().percentile(99.0).lt(STEER_P99_MS),
            details("create node").responseTime().percentile(99.0).lt(CRUD_P99_MS),
            details("edit blocks").responseTime().percentile(99.0).lt(CRUD_P99_MS),
            details("delete node").responseTime().percentile(99.0).lt(CRUD_P99_MS));
  }

  /** Registers the steering nodes (healthy) and the customer whose nodes the CRUD scenario manages. */
  @Override
  public void before() {
    if (REGISTER) {
      registerSteeringNodes();
    }
    String crudCustomer = post("/api/v1/customers", OPERATOR_KEY, "{\"name\":\"Portal ISP " + System.nanoTime() + "\"}").get("id");
    crudKey = post("/api/v1/customers/" + crudCustomer + "/keys", OPERATOR_KEY, null).get("apiKey");
    crudResource = post("/api/v1/resources", crudKey, "{\"name\":\"main\"}").get("id");
  }

  private void registerSteeringNodes() {
    String steering = post("/api/v1/customers", OPERATOR_KEY, "{\"name\":\"Steered ISP " + System.nanoTime() + "\"}").get("id");
    String steeringKey = post("/api/v1/customers/" + steering + "/keys", OPERATOR_KEY, null).get("apiKey");
    String resource = post("/api/v1/resources", steeringKey, "{\"name\":\"main\"}").get("id");
    for (int i = 0; i < NODES; i++) {
      String body = "{\"resourceId\":\"" + resource + "\",\"name\":\"n" + i + "\",\"serverIp\":\"20." + (i / 256) + "." + (i % 256)
          + ".1\",\"cidrBlocks\":\"50." + (i / 256) + "." + (i % 256) + ".0/24\"}";
      String created = send("POST", "/api/v1/nodes", steeringKey, body);
      String keys = created.substring(created.indexOf("\"activationKeys\""));
      keys = keys.substring(keys.indexOf('{'), keys.indexOf('}') + 1);
      send("POST", "/api/v1/agent/heartbeat", null, keys.substring(0, keys.length() - 1)
          + ",\"healthy\":true,\"hitBytes\":0,\"missBytes\":0,\"egressBytes\":0,\"requests\":0,\"diskUsedBytes\":0,\"diskCapacityBytes\":1}");
    }
  }

  private Map<String, String> post(String path, String bearer, String body) {
    String json = send("POST", path, bearer, body);
    Map<String, String> fields = new java.util.HashMap<>();
    Matcher m = FIELD.matcher(json);
    while (m.find()) {
      fields.putIfAbsent(m.group(1), m.group(2));
    }
    return fields;
  }

  private String send(String method, String path, String bearer, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> r = setup.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
