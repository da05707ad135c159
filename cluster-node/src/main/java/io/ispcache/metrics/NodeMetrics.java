package io.ispcache.metrics;

import java.util.concurrent.atomic.LongAdder;

/** The node's traffic counters; cheap to bump from any thread on the request path. */
public final class NodeMetrics {
  public final LongAdder requests = new LongAdder();
  public final LongAdder hitRequests = new LongAdder();
  public final LongAdder missRequests = new LongAdder();
  public final LongAdder partialRequests = new LongAdder();
  /** Responses whose missing bytes were pulled from a peer node (X-Cache: PEER). */
  public final LongAdder peerRequests = new LongAdder();
  public final LongAdder relayedRequests = new LongAdder();
  /** Responses the cache failed to serve (origin failures, no room, time-outs): 5xx and 412/504 of its own. */
  public final LongAdder errorResponses = new LongAdder();
  /** 416 answers: the client asked for ranges the object does not have (neither a hit, a miss nor a cache error). */
  public final LongAdder unsatisfiableRanges = new LongAdder();
  /** Bytes sent to clients from chunks that were on disk when asked for. */
  public final LongAdder hitBytes = new LongAdder();
  /** Bytes sent to clients from chunks being filled for them. */
  public final LongAdder missBytes = new LongAdder();
  /** Bytes relayed uncached (404 bodies, no-store objects). */
  public final LongAdder relayBytes = new LongAdder();
  public final LongAdder originFetches = new LongAdder();
  public final LongAdder originFetchFailures = new LongAdder();
  public final LongAdder originBytes = new LongAdder();
  /** Chunk pulls from peer nodes the object's entity sent this node to. */
  public final LongAdder peerFetches = new LongAdder();
  /** Of those, the ones that failed (peer unreachable, silent, without the chunk, or cut mid-body). */
  public final LongAdder peerFetchFailures = new LongAdder();
  /** Bytes received from peer nodes. */
  public final LongAdder peerBytes = new LongAdder();
  /** Bytes this node sent to peer nodes. */
  public final LongAdder peerServedBytes = new LongAdder();
  public final LongAdder coalescedWaits = new LongAdder();
  /** Chunks read ahead and given up unfinished: every client of the object had left. */
  public final LongAdder readAheadAbandoned = new LongAdder();
  /** Fills started without the object's entity because it did not answer in time. */
  public final LongAdder uncoordinatedFills = new LongAdder();
  /** Operators' purges applied to this node's store, and what they dropped. */
  public final LongAdder purgesApplied = new LongAdder();
  public final LongAdder purgedObjects = new LongAdder();
  public final LongAdder purgedBytes = new LongAdder();
  public final LatencyHistogram fillLatency = new LatencyHistogram();
  /** Conditional requests this node sent to validate a stale object. */
  public final LongAdder revalidations = new LongAdder();
  /** Of those, the ones the origin answered 304 (every stored chunk kept). */
  public final LongAdder revalidatedUnchanged = new LongAdder();
  /** Responses of a stale object: its origin failed, or it is being revalidated meanwhile. */
  public final LongAdder staleResponses = new LongAdder();
  /**
   * Requests with a method other than GET and HEAD forwarded to their origin (reverse-proxy mode,
   * or an origin whose {@code methods} allow it), and the request body bytes sent with them.
   */
  public final LongAdder forwardedRequests = new LongAdder();
  public final LongAdder forwardedRequestBytes = new LongAdder();
  /** Forwarded requests that failed to get an answer from their origin (unreachable, timed out). */
  public final LongAdder forwardFailures = new LongAdder();
  /** Stored objects dropped because an unsafe request to their URI succeeded (RFC 9111 §4.4). */
  public final LongAdder invalidatedObjects = new LongAdder();
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

  public void contentPort(ContentPort c) {
    contentPort = c;
  }

  public ContentPort contentPort() {
    return contentPort;
  }

  public void upstream(Upstream u) {
    upstream = u;
  }

  public Upstream upstream() {
    return upstream;
  }

  public long egressBytes() {
    return hitBytes.sum() + missBytes.sum() + relayBytes.sum();
  }
}
