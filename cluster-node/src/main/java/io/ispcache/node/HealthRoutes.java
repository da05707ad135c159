package io.ispcache.node;

import static akka.http.javadsl.server.Directives.complete;
import static akka.http.javadsl.server.Directives.concat;
import static akka.http.javadsl.server.Directives.get;
import static akka.http.javadsl.server.Directives.handleRejections;
import static akka.http.javadsl.server.Directives.path;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ispcache.content.ErrorResponses;
import io.ispcache.metrics.NodeMetrics;

/**
 * The operator's monitoring port: {@code /health} (200 only when the node can serve),
 * {@code /summary} (MCC-style traffic summary) and {@code /metrics} (Prometheus text).
 */
final class HealthRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What Prometheus asks for and reads: its text format, version 0.0.4. */
  private static final akka.http.javadsl.model.ContentType METRICS_TYPE = ContentTypes.parse(NodeMetrics.CONTENT_TYPE);
  private final NodeStatus status;

  HealthRoutes(NodeStatus status) {
    this.status = status;
  }

  Route route() {
    RejectionHandler rejections = ErrorResponses.getOnly("try /health, /summary or /metrics");
    return handleRejections(
        rejections,
        () ->
            get(
                () ->
                    concat(
                        path("health", () -> complete(health())),
                        path("summary", () -> complete(json(200, status.summary()))),
                        path(
                            "metrics",
                            () ->
                                complete(
                                    HttpResponse.create()
                                        .withEntity(
                                            HttpEntities.create(
                                                METRICS_TYPE,
                                                akka.util.ByteString.fromString(status.metrics().scrape()))))))));
  }

  private HttpResponse health() {
    NodeStatus.Health h = status.health();
    return json(h.healthy() ? 200 : 503, h);
  }

  private static HttpResponse json(int code, Object body) {
    try {
      return HttpResponse.create()
          .withStatus(StatusCodes.get(code))
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
