package io.ispcache.load;

import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.bodyString;

import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.List;
import java.util.function.Supplier;

/**
 * The requests every content simulation makes: a Range request of part of an object, checked for
 * its status, its Content-Range and the SHA-256 of its bytes; and the closing verdict.
 */
final class Pieces {
  private Pieces() {}

  static HttpProtocolBuilder protocol() {
    return http
        // Gatling would otherwise fetch a page from the internet to warm up, and serve repeated
        // URLs from its own cache: a device asks the node every time.
        .disableWarmUp()
        .disableCaching()
        .disableAutoReferer()
        .userAgentHeader("Microsoft-Delivery-Optimization/10.0 (ispcache load test)");
  }

  /** Sets the session's next request: {@code [from, to]} of {@code object} on {@code node}. */
  static Session aim(LoadRun run, Session s, int node, int object, long from, long to, String sha256) {
    return s.setAll(java.util.Map.of(
        "url", run.url(node, object),
        "node", node,
        "from", from,
        "to", to,
        "size", run.objects.size,
        "sha256", sha256));
  }

  static Session aimPiece(LoadRun run, Session s, int node, int object, int piece) {
    ObjectSet o = run.objects;
    return aim(run, s, node, object, o.pieceFrom(piece), o.pieceTo(piece), o.pieceHash(object, piece));
  }

  /** A Range request for the session's aim, named {@code name} in the report. */
  static HttpRequestActionBuilder get(LoadRun run, String name) {
    return http(name)
        .get(s -> s.getString("url"))
        .header("Range", s -> "bytes=" + s.getLong("from") + "-" + s.getLong("to"))
        .check(
            status().is(206),
            header("Content-Range").is(s -> "bytes " + s.getLong("from") + "-" + s.getLong("to") + "/" + s.getLong("size")),
            bodyBytes().transformWithSession(run::checked).is(s -> s.getString("sha256")));
  }

  /**
   * The run's last request: one node's metrics, whose check is the run's verdict, so a verdict
   * other than "ok" (wrong bytes, origin fetches beyond the bound) fails the Gatling run.
   */
  static HttpRequestActionBuilder verdict(LoadRun run, int node, Supplier<List<String>> problems) {
    return http("verdict")
        .get(run.verdictUrl(node))
        .check(status().is(200), bodyString().transform(ignored -> run.verdict(problems.get())).is("ok"));
  }
}
