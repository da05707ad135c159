package io.ispcache.report;

/**
 * The stored figures of a set of nodes over one interval of a series: traffic summed over the
 * nodes, drive usage summed over each node's highest in the interval, and how many nodes reported
 * and how many of those reported healthy in every heartbeat of it.
 */
public record Bucket(long atMs, Figures traffic, long diskUsedBytes, long diskCapacityBytes, int reportingNodes, int healthyNodes) {}
