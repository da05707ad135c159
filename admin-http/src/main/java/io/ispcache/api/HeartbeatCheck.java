package io.ispcache.api;

import io.ispcache.report.Counters;
import io.ispcache.report.Figures;

/**
 * The figures of a heartbeat, checked before the board and the telemetry take them: none negative, none beyond what
 * a cache node can count. A counter below the previous heartbeat's is not refused: the node
 * restarted ({@link io.ispcache.report.HealthBoard#record}). Disk used above capacity is not
 * refused either: a drive may be over its size until eviction catches up, and refusing the
 * heartbeat would steer clients away from a node that serves.
 */
final class HeartbeatCheck {
  /** 1 EiB: more bytes than a cache node serves or stores in its lifetime; a larger figure is a bug or garbage. */
  static final long MAX_BYTES = 1L << 60;
  /** 2^50 (about 10^15) requests: a million a second for 35 years. */
  static final long MAX_REQUESTS = 1L << 50;

  private HeartbeatCheck() {}

  /** The heartbeat's counters; a 400 naming the first figure out of bounds otherwise. */
  static Counters counters(ApiTypes.Heartbeat b) {
    bounded("hitBytes", b.hitBytes(), MAX_BYTES);
    bounded("missBytes", b.missBytes(), MAX_BYTES);
    bounded("egressBytes", b.egressBytes(), MAX_BYTES);
    bounded("requests", b.requests(), MAX_REQUESTS);
    bounded("diskUsedBytes", b.diskUsedBytes(), MAX_BYTES);
    bounded("diskCapacityBytes", b.diskCapacityBytes(), MAX_BYTES);
    return new Counters(b.hitBytes(), b.missBytes(), b.egressBytes(), b.requests());
  }

  /** Every traffic counter of the heartbeat, checked as {@link #counters}; a 400 naming the first out of bounds. */
  static Figures figures(ApiTypes.Heartbeat b) {
    counters(b);
    long peer = optional("peerBytes", b.peerBytes(), MAX_BYTES, 0);
    long origin = optional("originBytes", b.originBytes(), MAX_BYTES, b.missBytes());
    long hitRequests = optional("hitRequests", b.hitRequests(), MAX_REQUESTS, 0);
    long errors = optional("errors", b.errors(), MAX_REQUESTS, 0);
    return new Figures(b.hitBytes(), b.missBytes(), peer, origin, b.egressBytes(), b.requests(), hitRequests, errors);
  }

  private static long optional(String field, Long value, long max, long absent) {
    if (value == null) {
      return absent;
    }
    bounded(field, value, max);
    return value;
  }

  private static void bounded(String field, long value, long max) {
    if (value < 0 || value > max) {
      throw ApiException.badRequest(field, "field '" + field + "' must be a whole number from 0 to " + max + ", not " + value);
    }
  }
}
