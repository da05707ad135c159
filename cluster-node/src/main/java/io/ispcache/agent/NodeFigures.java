package io.ispcache.agent;

/** What a cache node reports to the registry with every heartbeat. */
public record NodeFigures(
    boolean healthy,
    long hitBytes,
    long missBytes,
    long egressBytes,
    long requests,
    long diskUsedBytes,
    long diskCapacityBytes) {}
