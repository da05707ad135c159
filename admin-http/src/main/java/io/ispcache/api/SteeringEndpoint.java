package io.ispcache.api;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.japi.function.Function;
import io.ispcache.routing.RoutingTables;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers a well-formed {@code GET /api/v1/steer?clientIp=} before the admin API's routing tree:
 * the answer that {@link AdminRoutes} would give, from the same {@link Steering} and the local copy
 * of the routing table, without the tree's directives, futures and rejections (which cost most of
 * a steering answer's CPU). Anything else, including every steering request to be refused (no or
 * a malformed {@code clientIp}, a body), goes to the routes, so errors keep their one writer.
 */
final class SteeringEndpoint {
  static final String PATH = "/api/v1/steer";

  private final Steering steering;
  private final RoutingTables.View routing;

  SteeringEndpoint(Steering steering, RoutingTables.View routing) {
    this.steering = steering;
    this.routing = routing;
  }

  /** {@code routes} with steering answered first. */
  Function<HttpRequest, CompletionStage<HttpResponse>> before(Function<HttpRequest, CompletionStage<HttpResponse>> routes) {
    return request -> {
      HttpResponse answer = answer(request);
      return answer != null ? CompletableFuture.completedFuture(answer) : routes.apply(request);
    };
  }

  /** A steering answer as the API sends it (the routes too). */
  static HttpResponse response(ApiTypes.SteerAnswer answer) {
    return HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.steerAnswer(answer)));
  }

  /** The answer to a well-formed steering request; null for anything the routes must handle. */
  HttpResponse answer(HttpRequest request) {
    if (request.method() != HttpMethods.GET || !request.entity().isKnownEmpty() || !PATH.equals(request.getUri().path())) {
      return null;
    }
    Optional<String> clientIp = request.getUri().query().get("clientIp");
    if (clientIp.isEmpty() || clientIp.get().isBlank()) {
      return null;
    }
    try {
      return response(steering.steer(routing.current(), clientIp.get()));
    } catch (ApiException e) {
      return null; // refused by the routes, with the same problem details as always
    }
  }
}
