package io.ispcache.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import inet.ipaddr.IPAddressString;
import io.ispcache.report.Counters;
import io.ispcache.report.HealthBoard;
import io.ispcache.routing.NodeRoute;
import io.ispcache.routing.RoutingTable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Well-formed steering requests are answered before the routing tree with exactly the answer the
 * routes give; every other request, and every steering request to refuse, reaches the routes.
 */
class SteeringEndpointTest {
  final HealthBoard health = new HealthBoard(Duration.ofMinutes(5), Clock.systemUTC());
  final Steering steering = new Steering(health, 8080);
  final RoutingTable table;
  final SteeringEndpoint endpoint;

  SteeringEndpointTest() {
    health.record("a", "c", true, Counters.ZERO, 0, 0);
    table = new RoutingTable.Builder().add(new IPAddressString("42.0.0.0/16").getAddress(), new NodeRoute("a", "c", "a", "20.1.1.1", 1000)).build(1);
    endpoint = new SteeringEndpoint(steering, () -> table);
  }

  @Test
  void aWellFormedRequestIsAnsweredAsTheRoutesAnswerIt() throws Exception {
    for (String ip : List.of("42.0.1.1", "43.0.0.1", "2001:db8::1", "::ffff:42.0.1.1")) {
      HttpResponse answer = endpoint.answer(HttpRequest.GET("/api/v1/steer?clientIp=" + ip));
      assertEquals(StatusCodes.OK, answer.status(), ip);
      assertEquals(ContentTypes.APPLICATION_JSON, answer.entity().getContentType(), ip);
      HttpResponse routes = AdminRoutes.json(200, steering.steer(table, ip)); // as the routes answered before the endpoint
      assertArrayEquals(bytes(routes), bytes(answer), ip);
    }
    HttpResponse encoded = endpoint.answer(HttpRequest.GET("/api/v1/st%65er?clientIp=42.0.1.1&other=1"));
    assertArrayEquals(bytes(AdminRoutes.json(200, steering.steer(table, "42.0.1.1"))), bytes(encoded));
  }

  @Test
  void theSteeringWriterWritesWhatTheApisMapperWrites() {
    List<ApiTypes.SteerAnswer> answers = List.of(
        new ApiTypes.SteerAnswer("42.0.1.1", true, "no cache node serves this address", null, List.of()),
        new ApiTypes.SteerAnswer("2001:db8::1", false, null, "2001:db8::/32", List.of(
            new ApiTypes.SteeredNode("a", "name \"quoted\" \\ \u00e9\u0001", "20.1.1.1", "http://20.1.1.1:8080"),
            new ApiTypes.SteeredNode("b", "b", "2a00:1450:4001::1", "http://[2a00:1450:4001::1]"))));
    for (ApiTypes.SteerAnswer a : answers) {
      assertArrayEquals(Json.bytes(a), Json.steerAnswer(a), a.toString());
    }
  }

  @Test
  void requestsToRefuseAndOtherRequestsGoToTheRoutes() throws Exception {
    for (String uri : List.of(
        "/api/v1/steer", "/api/v1/steer?clientIp=", "/api/v1/steer?clientIp=%20", "/api/v1/steer?clientIp=01.02.03.04",
        "/api/v1/steer?clientIp=8.8.8.8/32", "/api/v1/steer?clientIp=fe80::1%25eth0", "/api/v1/steer/", "/api/v1/steer/redirect?clientIp=42.0.1.1",
        "/api/v1/steering?clientIp=42.0.1.1", "/api/v1/nodes")) {
      assertNull(endpoint.answer(HttpRequest.GET(uri)), uri);
    }
    assertNull(endpoint.answer(HttpRequest.create("/api/v1/steer?clientIp=42.0.1.1").withMethod(HttpMethods.POST)), "POST");
    assertNull(endpoint.answer(HttpRequest.create("/api/v1/steer?clientIp=42.0.1.1").withMethod(HttpMethods.HEAD)), "HEAD");
    assertNull(endpoint.answer(HttpRequest.GET("/api/v1/steer?clientIp=42.0.1.1").withEntity(HttpEntities.create("x"))), "a body");

    HttpResponse fromRoutes = HttpResponse.create().withStatus(StatusCodes.IM_A_TEAPOT);
    HttpResponse passed = endpoint.before(r -> CompletableFuture.completedFuture(fromRoutes))
        .apply(HttpRequest.GET("/api/v1/steer?clientIp=not-an-ip")).toCompletableFuture().join();
    assertEquals(StatusCodes.IM_A_TEAPOT, passed.status());
  }

  private static byte[] bytes(HttpResponse r) throws Exception {
    return ((akka.http.javadsl.model.HttpEntity.Strict) r.entity()).getData().toArray();
  }
}
