package io.ispcache.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The node's traffic figures on Micrometer, in a Prometheus registry that {@code /metrics} scrapes.
 * Each figure is a counter made once and held in a field, so counting on the request path is an
 * add to a striped cell, with no lookup and no tags built per request. Byte counters are doubles,
 * as Prometheus keeps every value: exact up to 2^53 bytes (8 PiB) since the process started.
 */
public final class NodeMetrics {
  /** The media type of {@link #scrape()}: the Prometheus text exposition format 0.0.4, which every Prometheus reads. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** How a response was served, as its X-Cache says; ERROR: the cache failed to serve it. */
  public enum Response {
    HIT, MISS, PARTIAL, PEER, RELAY, ERROR
  }

  /** Upper bounds of the fill time histogram: a chunk fill spans loopback (ms) to slow upstreams (tens of s). */
  private static final double[] FILL_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  private final PrometheusMeterRegistry registry;
  private final Counter requests;
  private final Counter[] responses = new Counter[Response.values().length];
  private final Counter unsatisfiableRanges;
  private final Counter hitBytes;
  private final Counter missBytes;
  private final Counter relayBytes;
  private final Counter originFetches;
  private final Counter originFetchFailures;
  private final Counter originBytes;
  private final Counter peerFetches;
  private final Counter peerFetchFailures;
  private final Counter peerBytes;
  private final Counter peerServedBytes;
  private final Counter coalescedWaits;
  private final Counter revalidations;
  private final Counter revalidatedUnchanged;
  private final Counter staleResponses;
  private final Counter readAheadAbandoned;
  private final Counter uncoordinatedFills;
  private final Counter forwardedRequests;
  private final Counter forwardedRequestBytes;
  private final Counter forwardFailures;
  private final Counter invalidatedObjects;
  private final Counter purgesApplied;
  private final Counter purgedObjects;
  private final Counter purgedBytes;
  private final Timer fillTime;
  /** The origin client's figures (connections open, destinations pooled), once it exists. */
  private volatile Upstream upstream = new Upstream() {};
  /** The content port's connection figures, once it listens. */
  private volatile ContentPort contentPort = new ContentPort() {};

  /** What the origin client reports of its bounded resources. */
  public interface Upstream {
    default int openConnections() {
      return 0;
    }

    default int pools() {
      return 0;
    }
  }

  /** What the content port reports of its connections. */
  public interface ContentPort {
    default int openConnections() {
      return 0;
    }

    /** Connections closed as they arrived: their client held max-connections-per-client. */
    default long refusedConnections() {
      return 0;
    }

    /** Times max-connections were open, so that new connections waited in the listen backlog. */
    default long acceptPauses() {
      return 0;
    }
  }

  /** The figures summed up, as {@code /summary} and the heartbeat to the registry report them. */
  public record Totals(
      long requests,
      long hitRequests,
      long missRequests,
      long partialRequests,
      long peerRequests,
      long errorResponses,
      long hitBytes,
      long missBytes,
      long relayBytes,
      long originFetches,
      long originBytes,
      long peerFetches,
      long peerFetchFailures,
      long peerBytes,
      long peerServedBytes) {
    /** Every byte sent to clients: hits, misses and uncached relays. */
    public long egressBytes() {
      return hitBytes + missBytes + relayBytes;
    }
  }

  public NodeMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  private NodeMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    requests = counter("ispcache.requests", null, "Content requests received.");
    for (Response r : Response.values()) {
      responses[r.ordinal()] =
          Counter.builder("ispcache.responses")
              .description("Content responses by cache status (error: what the cache failed to serve).")
              .tag("cache", r.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry);
    }
    unsatisfiableRanges = counter("ispcache.range.not.satisfiable", null,
        "416 answers: ranges outside the object, or too many (client errors, not cache errors).");
    hitBytes = egress("hit");
    missBytes = egress("miss");
    relayBytes = egress("relay");
    originFetches = counter("ispcache.origin.fetches", null, "Chunk fetches sent to origins.");
    originFetchFailures = counter("ispcache.origin.fetch.failures", null, "Chunk fetches that failed.");
    originBytes = counter("ispcache.origin", "bytes", "Bytes received from origins.");
    peerFetches = counter("ispcache.peer.fetches", null, "Chunk fetches from peer nodes.");
    peerFetchFailures = counter("ispcache.peer.fetch.failures", null,
        "Chunk fetches from peer nodes that failed (unreachable, silent, not held, cut mid-body).");
    peerBytes = counter("ispcache.peer", "bytes", "Bytes received from peer nodes.");
    peerServedBytes = counter("ispcache.peer.served", "bytes", "Bytes sent to peer nodes from this node's chunks.");
    coalescedWaits = counter("ispcache.coalesced.waits", null, "Requests that joined a fill already running.");
    revalidations = counter("ispcache.revalidations", null, "Conditional requests sent to an origin to validate a stale object.");
    revalidatedUnchanged = counter("ispcache.revalidated.unchanged", null,
        "Revalidations the origin answered 304: the stored object was kept.");
    staleResponses = counter("ispcache.stale.responses", null,
        "Responses of a stale object (origin failing, or revalidation under way).");
    readAheadAbandoned = counter("ispcache.read.ahead.abandoned", null,
        "Chunks read ahead and given up unfinished: their clients had left.");
    uncoordinatedFills = counter("ispcache.uncoordinated.fills", null,
        "Fills started without the object's entity (it did not answer).");
    forwardedRequests = counter("ispcache.forwarded.requests", null,
        "Requests of other methods than GET and HEAD forwarded to their origin.");
    forwardedRequestBytes = counter("ispcache.forwarded.request", "bytes", "Request body bytes forwarded to origins.");
    forwardFailures = counter("ispcache.forward.failures", null,
        "Forwarded requests their origin did not answer (unreachable, timed out, broken).");
    invalidatedObjects = counter("ispcache.invalidated.objects", null,
        "Stored objects dropped after a successful unsafe request to their URI (RFC 9111 §4.4).");
    purgesApplied = counter("ispcache.purges.applied", null, "Operators' purges applied to this node's store.");
    purgedObjects = counter("ispcache.purged.objects", null, "Objects dropped by purges.");
    purgedBytes = counter("ispcache.purged", "bytes", "Bytes of chunks dropped by purges.");
    Duration[] bounds = new Duration[FILL_SECONDS.length];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = Duration.ofNanos((long) (FILL_SECONDS[i] * 1e9));
    }
    fillTime = Timer.builder("ispcache.fill")
        .description("Time from origin request to chunk committed.")
        .serviceLevelObjectives(bounds)
        .register(registry);
    Gauge.builder("ispcache.content.connections", this, m -> m.contentPort.openConnections())
        .strongReference(true)
        .description("Client connections open on the content port now (bounded by max-connections).")
        .register(registry);
    FunctionCounter.builder("ispcache.content.connections.refused", this, m -> m.contentPort.refusedConnections())
        .description("Content connections closed as they arrived, unread: their client (an IPv4 address, an IPv6 /64) "
            + "held max-connections-per-client.")
        .register(registry);
    FunctionCounter.builder("ispcache.content.accept.pauses", this, m -> m.contentPort.acceptPauses())
        .description("Times max-connections were open on the content port: new connections waited in the listen backlog "
            + "until one closed.")
        .register(registry);
    Gauge.builder("ispcache.origin.connections", this, m -> m.upstream.openConnections())
        .strongReference(true)
        .description("Connections to origins open now (bounded per destination by max-connections-per-host).")
        .register(registry);
    Gauge.builder("ispcache.origin.pools", this, m -> m.upstream.pools())
        .strongReference(true)
        .description("Origin destinations with a connection pool now (idle ones are dropped).")
        .register(registry);
  }

  private Counter counter(String name, String unit, String help) {
    return Counter.builder(name).baseUnit(unit).description(help).register(registry);
  }

  private Counter egress(String source) {
    return Counter.builder("ispcache.egress")
        .baseUnit("bytes")
        .description("Bytes the content port's sockets took for clients, by source (response heads not counted).")
        .tag("source", source)
        .register(registry);
  }

  /** Where the node's meters are: the JVM's and the store's are bound here too. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter of the registry in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  public void request() {
    requests.increment();
  }

  public void response(Response status) {
    responses[status.ordinal()].increment();
  }

  public void rangeNotSatisfiable() {
    unsatisfiableRanges.increment();
  }

  /** Bytes sent to clients from chunks that were on this node when asked for. */
  public Counter hitBytes() {
    return hitBytes;
  }

  /** Bytes sent to clients from chunks fetched (from a peer or the origin) for them. */
  public Counter missBytes() {
    return missBytes;
  }

  /** Bytes relayed to clients uncached (error bodies, no-store objects, answers to forwarded requests). */
  public Counter relayBytes() {
    return relayBytes;
  }

  public void originFetch() {
    originFetches.increment();
  }

  public void originFetchFailed() {
    originFetchFailures.increment();
  }

  /** Bytes received from origins. */
  public Counter originBytes() {
    return originBytes;
  }

  /** A chunk pull from a peer node the object's entity sent this node to. */
  public void peerFetch() {
    peerFetches.increment();
  }

  /** A peer pull failed: peer unreachable, silent, without the chunk, or cut mid-body. */
  public void peerFetchFailed() {
    peerFetchFailures.increment();
  }

  /** Bytes received from peer nodes. */
  public Counter peerBytes() {
    return peerBytes;
  }

  public void peerServed(long bytes) {
    peerServedBytes.increment(bytes);
  }

  public void coalescedWait() {
    coalescedWaits.increment();
  }

  /** A conditional request sent to validate a stale object. */
  public void revalidation() {
    revalidations.increment();
  }

  /** A revalidation the origin answered 304: every stored chunk kept. */
  public void revalidatedUnchanged() {
    revalidatedUnchanged.increment();
  }

  /** A response of a stale object: its origin failed, or it is being revalidated meanwhile. */
  public void staleResponse() {
    staleResponses.increment();
  }

  /** A chunk read ahead and given up unfinished: every client of the object had left. */
  public void readAheadAbandoned() {
    readAheadAbandoned.increment();
  }

  /** A fill started without the object's entity because it did not answer in time. */
  public void uncoordinatedFill() {
    uncoordinatedFills.increment();
  }

  /**
   * A request with a method other than GET and HEAD forwarded to its origin (reverse-proxy mode,
   * or an origin whose {@code methods} allow it), with {@code bodyBytes} of request body.
   */
  public void forwarded(long bodyBytes) {
    forwardedRequests.increment();
    forwardedRequestBytes.increment(bodyBytes);
  }

  /** A forwarded request that got no answer from its origin (unreachable, timed out). */
  public void forwardFailed() {
    forwardFailures.increment();
  }

  /** Stored objects dropped because an unsafe request to their URI succeeded (RFC 9111 §4.4). */
  public void invalidated(long objects) {
    invalidatedObjects.increment(objects);
  }

  /** An operator's purge applied to this node's store, and what it dropped. */
  public void purgeApplied(long objects, long bytes) {
    purgesApplied.increment();
    purgedObjects.increment(objects);
    purgedBytes.increment(bytes);
  }

  /** A chunk fill from its origin request to its commit. */
  public void fillTook(long nanos) {
    fillTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void contentPort(ContentPort c) {
    contentPort = c;
  }

  public void upstream(Upstream u) {
    upstream = u;
  }

  public Totals totals() {
    return new Totals(
        whole(requests),
        whole(responses[Response.HIT.ordinal()]),
        whole(responses[Response.MISS.ordinal()]),
        whole(responses[Response.PARTIAL.ordinal()]),
        whole(responses[Response.PEER.ordinal()]),
        whole(responses[Response.ERROR.ordinal()]),
        whole(hitBytes),
        whole(missBytes),
        whole(relayBytes),
        whole(originFetches),
        whole(originBytes),
        whole(peerFetches),
        whole(peerFetchFailures),
        whole(peerBytes),
        whole(peerServedBytes));
  }

  private static long whole(Counter c) {
    return (long) c.count();
  }
}
