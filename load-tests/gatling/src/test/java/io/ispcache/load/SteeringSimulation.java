package io.ispcache.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The steering endpoint under an open workload: clients from the registered blocks (and from
 * outside them, answered "use the CDN") ask which cache node serves them. Loopback only, bounded.
 */
public class SteeringSimulation extends Simulation {
  static final String BASE = System.getProperty("admin", "http://127.0.0.1:19090");
  static final int RATE = Integer.getInteger("rate", 2000);
  static final int SECONDS = Integer.getInteger("seconds", 30);
  static final int NODES = Integer.getInteger("nodes", 200);

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

  HttpProtocolBuilder protocol = http.baseUrl(BASE).shareConnections();

  ScenarioBuilder steer =
      scenario("steer").feed(clients).exec(http("steer").get("/api/v1/steer?clientIp=#{ip}").check(status().is(200)));

  {
    setUp(steer.injectOpen(constantUsersPerSec(RATE).during(SECONDS)))
        .protocols(protocol)
        .assertions(global().failedRequests().count().is(0L));
  }
}
