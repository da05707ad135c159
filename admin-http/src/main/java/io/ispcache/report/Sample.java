package io.ispcache.report;

import java.time.Instant;

/**
 * One heartbeat as the telemetry series takes it: the node, whose it is, when this admin node
 * received it, its health, its cumulative counters and its drives' usage.
 */
public record Sample(
    String nodeId,
    String customerId,
    String resourceId,
    Instant at,
    boolean healthy,
    Figures counters,
    long diskUsedBytes,
    long diskCapacityBytes) {}
