package io.ispcache.content;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one JSON error shape of the content and health ports: {@code {"error", "message", ...}}. */
public final class ErrorResponses {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorResponses() {}

  public static HttpResponse of(int status, String code, String message, Map<String, Object> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    body.putAll(details);
    try {
      return HttpResponse.create()
          .withStatus(StatusCodes.get(status))
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("error body not serialisable", e);
    }
  }

  /** Rejections of a GET-only port as JSON errors: unknown paths (with a hint) and other methods. */
  public static akka.http.javadsl.server.RejectionHandler getOnly(String notFoundHint) {
    return akka.http.javadsl.server.RejectionHandler.newBuilder()
        .handleNotFound(akka.http.javadsl.server.Directives.complete(of(404, "not_found", notFoundHint)))
        .handleAll(
            akka.http.javadsl.server.MethodRejection.class,
            r -> akka.http.javadsl.server.Directives.complete(of(405, "method_not_allowed", "only GET is served here")))
        .build();
  }

  public static HttpResponse of(int status, String code, String message) {
    return of(status, code, message, Map.of());
  }
}
