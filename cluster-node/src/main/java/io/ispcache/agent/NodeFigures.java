package io.ispcache.agent;

/**
 * What a cache node reports to the registry with every heartbeat: its health, its drives' usage and
 * its traffic counters since the process started (the admin plane turns them into series).
 *
 * @param hitBytes bytes served from chunks on the node's drives
 * @param missBytes bytes served from chunks filled for the request (from the origin or a peer)
 * @param peerBytes bytes pulled from peer nodes
 * @param originBytes bytes fetched from origins
 * @param hitRequests requests served wholly from the drives
 * @param errors error responses
 */
public record NodeFigures(
    boolean healthy,
    long hitBytes,
    long missBytes,
    long egressBytes,
    long requests,
    long diskUsedBytes,
    long diskCapacityBytes,
    long peerBytes,
    long originBytes,
    long hitRequests,
    long errors) {}
