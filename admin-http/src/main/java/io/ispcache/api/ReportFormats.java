package io.ispcache.api;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpCharsets;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaRange;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.Accept;
import akka.http.javadsl.model.headers.ContentDisposition;
import akka.http.javadsl.model.headers.ContentDispositionTypes;
import io.ispcache.report.NodeTrafficList;
import io.ispcache.report.ReportCsv;
import io.ispcache.report.TrafficReport;
import java.util.Map;

/** Which format a traffic report is answered in (JSON, the default, or CSV), and the CSV answer. */
final class ReportFormats {
  private ReportFormats() {}

  /** CSV when {@code format=csv}, or without {@code format} when Accept asks for text/csv and not JSON; 400 for another format. */
  static boolean csv(HttpRequest request, java.util.Optional<String> format) {
    if (format.isPresent()) {
      return switch (format.get().strip()) {
        case "csv" -> true;
        case "json" -> false;
        default -> throw ApiException.badRequest("format", "query parameter 'format' must be json or csv");
      };
    }
    // Accept: text/csv asks for CSV; a list that names JSON as well (or only wildcards) gets the default, JSON.
    return request.getHeader(Accept.class).map(a -> {
      boolean csv = false;
      for (MediaRange m : a.getMediaRanges()) {
        if (m.qValue() > 0 && m.mainType().equals("text") && m.matches(MediaTypes.TEXT_CSV)) {
          csv = true;
        } else if (m.qValue() > 0 && m.mainType().equals("application") && m.matches(MediaTypes.APPLICATION_JSON)) {
          return false;
        }
      }
      return csv;
    }).orElse(false);
  }

  static HttpResponse csv(Object report) {
    String name;
    String text;
    if (report instanceof NodeTrafficList l) {
      name = "traffic-nodes-" + l.range() + ".csv";
      text = ReportCsv.of(l);
    } else {
      TrafficReport r = (TrafficReport) report;
      name = "traffic-" + r.range() + ".csv";
      text = ReportCsv.of(r);
    }
    return HttpResponse.create().withStatus(StatusCodes.OK)
        .addHeader(ContentDisposition.create(
            ContentDispositionTypes.ATTACHMENT, Map.of("filename", name)))
        .withEntity(HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_CSV, HttpCharsets.UTF_8), text));
  }
}
