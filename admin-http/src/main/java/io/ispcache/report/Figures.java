package io.ispcache.report;

/**
 * A cache node's traffic counters as its heartbeat states them: each only grows while the node's
 * process runs and starts at zero when it restarts. The telemetry series stores the differences
 * between consecutive heartbeats ({@link #since}).
 *
 * @param hitBytes bytes served to clients from chunks on the node's drives
 * @param missBytes bytes served to clients from chunks the node did not hold (filled from the
 *     origin or pulled from a peer node for them)
 * @param peerBytes bytes the node pulled from peer nodes
 * @param originBytes bytes the node fetched from origins (the upstream CDN)
 * @param egressBytes every byte served to clients (hits, misses and uncached relays)
 * @param requests client requests
 * @param hitRequests of those, the ones served wholly from the node's drives
 * @param errors error responses
 */
public record Figures(
    long hitBytes, long missBytes, long peerBytes, long originBytes, long egressBytes, long requests, long hitRequests, long errors) {
  public static final Figures ZERO = new Figures(0, 0, 0, 0, 0, 0, 0, 0);

  /** Some counter went down: the node counts from zero again (a restart). */
  public boolean anyBelow(Figures earlier) {
    return hitBytes < earlier.hitBytes || missBytes < earlier.missBytes || peerBytes < earlier.peerBytes
        || originBytes < earlier.originBytes || egressBytes < earlier.egressBytes || requests < earlier.requests
        || hitRequests < earlier.hitRequests || errors < earlier.errors;
  }

  /**
   * What the node counted between {@code earlier} and this heartbeat. After a restart (some counter
   * below its earlier value) the counters started again from zero, so all of them are new traffic;
   * what the node counted between {@code earlier} and its restart was never reported and is lost.
   */
  public Figures since(Figures earlier) {
    if (anyBelow(earlier)) {
      return this;
    }
    return new Figures(hitBytes - earlier.hitBytes, missBytes - earlier.missBytes, peerBytes - earlier.peerBytes,
        originBytes - earlier.originBytes, egressBytes - earlier.egressBytes, requests - earlier.requests,
        hitRequests - earlier.hitRequests, errors - earlier.errors);
  }

  /** 1 Tbit/s: beyond the network interfaces of any one cache node. */
  static final long MAX_BYTES_PER_SECOND = 125_000_000_000L;
  /** Ten million requests a second: beyond what any one cache node answers. */
  static final long MAX_REQUESTS_PER_SECOND = 10_000_000L;

  /**
   * Whether this much traffic fits in {@code millis} (at least a second) of one node's work. A
   * heartbeat whose difference does not is a node's bug or garbage: counted, it would show
   * impossible rates for the whole retention (and could overflow the sums).
   */
  public boolean possibleWithin(long millis) {
    double seconds = Math.max(1.0, millis / 1000.0);
    double bytes = MAX_BYTES_PER_SECOND * seconds;
    double requests = MAX_REQUESTS_PER_SECOND * seconds;
    return hitBytes <= bytes && missBytes <= bytes && peerBytes <= bytes && originBytes <= bytes && egressBytes <= bytes
        && this.requests <= requests && hitRequests <= requests && errors <= requests;
  }

  public Figures plus(Figures o) {
    return new Figures(Counters.sum(hitBytes, o.hitBytes), Counters.sum(missBytes, o.missBytes), Counters.sum(peerBytes, o.peerBytes),
        Counters.sum(originBytes, o.originBytes), Counters.sum(egressBytes, o.egressBytes), Counters.sum(requests, o.requests),
        Counters.sum(hitRequests, o.hitRequests), Counters.sum(errors, o.errors));
  }
}
