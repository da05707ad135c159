package io.ispcache.api;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem details: the one error shape of the admin API. */
final class Problems {
  static final ContentType PROBLEM_JSON = ContentTypes.parse("application/problem+json");

  private Problems() {}

  static HttpResponse of(int status, String detail, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", StatusCodes.get(status).reason());
    body.put("status", status);
    body.put("detail", detail);
    if (field != null) {
      body.put("field", field);
    }
    return HttpResponse.create()
        .withStatus(StatusCodes.get(status))
        .withEntity(HttpEntities.create(PROBLEM_JSON, Json.bytes(body)));
  }
}
