package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.MetricsText;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} on the health port as Prometheus scrapes it: the documented names, the JVM's figures. */
class MetricsEndpointTest {
  static final int CHUNK = 256 * 1024;

  /** Every series README and the operators' dashboards name, with the labels they are read by. */
  static final List<String> DOCUMENTED = List.of(
      "ispcache_requests_total",
      "ispcache_responses_total{cache=\"hit\"}",
      "ispcache_responses_total{cache=\"miss\"}",
      "ispcache_responses_total{cache=\"partial\"}",
      "ispcache_responses_total{cache=\"peer\"}",
      "ispcache_responses_total{cache=\"relay\"}",
      "ispcache_responses_total{cache=\"error\"}",
      "ispcache_range_not_satisfiable_total",
      "ispcache_egress_bytes_total{source=\"hit\"}",
      "ispcache_egress_bytes_total{source=\"miss\"}",
      "ispcache_egress_bytes_total{source=\"relay\"}",
      "ispcache_origin_fetches_total",
      "ispcache_origin_fetch_failures_total",
      "ispcache_origin_bytes_total",
      "ispcache_peer_fetches_total",
      "ispcache_peer_fetch_failures_total",
      "ispcache_peer_bytes_total",
      "ispcache_peer_served_bytes_total",
      "ispcache_coalesced_waits_total",
      "ispcache_revalidations_total",
      "ispcache_revalidated_unchanged_total",
      "ispcache_stale_responses_total",
      "ispcache_read_ahead_abandoned_total",
      "ispcache_uncoordinated_fills_total",
      "ispcache_forwarded_requests_total",
      "ispcache_forwarded_request_bytes_total",
      "ispcache_forward_failures_total",
      "ispcache_invalidated_objects_total",
      "ispcache_purges_applied_total",
      "ispcache_purged_objects_total",
      "ispcache_purged_bytes_total",
      "ispcache_content_connections",
      "ispcache_content_connections_refused_total",
      "ispcache_content_accept_pauses_total",
      "ispcache_origin_connections",
      "ispcache_origin_pools",
      "ispcache_fill_seconds_bucket{le=\"0.005\"}",
      "ispcache_fill_seconds_bucket{le=\"30.0\"}",
      "ispcache_fill_seconds_bucket{le=\"+Inf\"}",
      "ispcache_fill_seconds_count",
      "ispcache_fill_seconds_sum",
      "ispcache_evictions_total",
      "ispcache_evicted_bytes_total",
      "ispcache_chunk_memory_bytes");

  /** The process's own figures, from Micrometer's binders (series with their identifying labels). */
  static final List<String> JVM = List.of(
      "jvm_memory_used_bytes{area=\"heap\"",
      "jvm_memory_max_bytes{area=\"heap\"",
      "jvm_buffer_memory_used_bytes{id=\"direct\"}",
      "jvm_buffer_count_buffers{id=\"direct\"}",
      "jvm_buffer_total_capacity_bytes{id=\"direct\"}",
      "jvm_gc_",
      "jvm_threads_live_threads",
      "jvm_threads_states_threads{state=\"runnable\"}",
      "jvm_classes_loaded_classes",
      "jvm_info{",
      "process_uptime_seconds",
      "process_start_time_seconds",
      "process_cpu_usage",
      "process_files_open_files",
      "process_files_max_files",
      "system_cpu_usage",
      "system_cpu_count",
      "ispcache_netty_direct_memory_bytes");

  @TempDir static Path dataDir;
  static NodeAndOrigin setup;

  @BeforeAll
  static void start() throws Exception {
    setup = NodeAndOrigin.start(dataDir, "");
    setup.origin().put("/metrics/object.bin", 3L * CHUNK, 51, "application/octet-stream", "\"m1\"", null);
    setup.origin().headers("/metrics/object.bin", "Cache-Control: max-age=3600"); // fresh: a hit, not a revalidation
    assertEquals("MISS", setup.send("GET", setup.node().url("/metrics/object.bin")).headers().firstValue("X-Cache").orElseThrow());
    assertEquals("HIT", setup.send("GET", setup.node().url("/metrics/object.bin")).headers().firstValue("X-Cache").orElseThrow());
  }

  @AfterAll
  static void stop() {
    if (setup != null) {
      setup.close();
    }
  }

  @Test
  void metricsAreServedInThePrometheusTextFormat() throws Exception {
    HttpResponse<byte[]> r = setup.send("GET", setup.node().health("/metrics"));

    assertEquals(200, r.statusCode());
    // Parameter values such as the charset compare case-insensitively (RFC 9110 §8.3.1).
    assertEquals("text/plain; version=0.0.4; charset=utf-8",
        r.headers().firstValue("Content-Type").orElseThrow().toLowerCase(java.util.Locale.ROOT));
  }

  @Test
  void everyDocumentedSeriesIsThere() throws Exception {
    MetricsText m = MetricsText.scrape(setup.node().health("/metrics"));

    List<String> missing = new ArrayList<>();
    for (String series : DOCUMENTED) {
      if (!m.has(series)) {
        missing.add(series);
      }
    }
    assertTrue(missing.isEmpty(), "missing " + missing + " in\n" + m);
    String drive = "{drive=\"" + dataDir.resolve("drive-1").toAbsolutePath() + "\"}";
    assertEquals(1 << 30, m.count("ispcache_drive_capacity_bytes" + drive));
    assertEquals(3, m.count("ispcache_drive_chunks" + drive));
    assertTrue(m.count("ispcache_drive_used_bytes" + drive) >= 3L * CHUNK, m.text());
  }

  @Test
  void theTrafficIsCountedUnderItsDocumentedNames() throws Exception {
    MetricsText m = MetricsText.scrape(setup.node().health("/metrics"));

    assertEquals(2, m.count("ispcache_requests_total"));
    assertEquals(1, m.count("ispcache_responses_total{cache=\"miss\"}"));
    assertEquals(1, m.count("ispcache_responses_total{cache=\"hit\"}"));
    assertEquals(3L * CHUNK, m.count("ispcache_egress_bytes_total{source=\"miss\"}"));
    assertEquals(3L * CHUNK, m.count("ispcache_egress_bytes_total{source=\"hit\"}"));
    assertEquals(3, m.count("ispcache_origin_fetches_total"));
    assertEquals(3L * CHUNK, m.count("ispcache_origin_bytes_total"));
    assertEquals(3, m.count("ispcache_fill_seconds_count"));
    assertEquals(3, m.count("ispcache_fill_seconds_bucket{le=\"+Inf\"}"));
    assertTrue(m.text().contains("# TYPE ispcache_requests_total counter"), m.text());
    assertTrue(m.text().contains("# TYPE ispcache_fill_seconds histogram"), m.text());
    assertTrue(m.text().contains("# TYPE ispcache_content_connections gauge"), m.text());
  }

  @Test
  void theJvmGarbageCollectionThreadsAndDirectMemoryAreThere() throws Exception {
    MetricsText m = MetricsText.scrape(setup.node().health("/metrics"));

    List<String> missing = new ArrayList<>();
    for (String prefix : JVM) {
      if (!m.text().lines().anyMatch(l -> l.startsWith(prefix))) {
        missing.add(prefix);
      }
    }
    assertTrue(missing.isEmpty(), "missing " + missing + " in\n" + m);
    assertTrue(m.value("process_uptime_seconds") > 0, m.text());
    assertTrue(m.value("jvm_threads_live_threads") > 0, m.text());
  }

  @Test
  void metricsAnswerOnlyGet() throws Exception {
    HttpResponse<String> r = setup.http().send(
        HttpRequest.newBuilder(setup.node().health("/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(405, r.statusCode());
    assertTrue(r.body().contains("\"error\":\"method_not_allowed\""), r.body());
  }

  @Test
  void anUnknownPathOnTheHealthPortIsAnswered404() throws Exception {
    HttpResponse<byte[]> r = setup.send("GET", setup.node().health("/metric"));

    assertEquals(404, r.statusCode());
    assertTrue(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains("/metrics"));
  }
}
