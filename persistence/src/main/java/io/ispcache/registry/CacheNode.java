package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * A registered cache node. {@code status} and the IP-space figures are derived by the registry;
 * {@code approved} records an operator's approval of exactly the current CIDR blocks.
 *
 * <p>{@code statusReason} is shown to the node's customer and never names another customer's
 * blocks or ids; {@code conflict} is the operator's view of an overlap (the other node, its
 * customer and block). {@code requestedAt} is when the current blocks were asked for: nodes
 * waiting for space are evaluated again in that order. Both are absent (null) in journals written
 * before they existed.
 */
public record CacheNode(
    String id,
    String customerId,
    String resourceId,
    String name,
    String serverIp,
    String cidrBlocks,
    int maxEgressMbps,
    boolean enabled,
    List<NodeDrive> drives,
    IpSpaceStatus status,
    String statusReason,
    boolean approved,
    long ipv4Addresses,
    String ipv6Networks,
    String nodeKeyHash,
    Instant createdAt,
    String conflict,
    Instant requestedAt)
    implements CborSerializable {

  /** Receives traffic: enabled, VALID, with a server IP and at least one block. */
  public boolean routable() {
    return enabled && status == IpSpaceStatus.VALID && serverIp != null && !cidrBlocks.isEmpty();
  }

  /** Holds its IP space against later requests of other customers: VALID (approved space is VALID). */
  public boolean holdsSpace() {
    return status == IpSpaceStatus.VALID && !cidrBlocks.isEmpty();
  }

  /** When the current blocks were asked for (creation in journals from before the field). */
  public Instant askedAt() {
    return requestedAt == null ? createdAt : requestedAt;
  }

  CacheNode withIpSpace(IpSpaceStatus s, String reason, String conflictDetail, boolean approvedBlocks) {
    return new CacheNode(
        id, customerId, resourceId, name, serverIp, cidrBlocks, maxEgressMbps, enabled, drives, s, reason, approvedBlocks,
        ipv4Addresses, ipv6Networks, nodeKeyHash, createdAt, conflictDetail, requestedAt);
  }

  CacheNode withNodeKeyHash(String hash) {
    return new CacheNode(
        id, customerId, resourceId, name, serverIp, cidrBlocks, maxEgressMbps, enabled, drives, status, statusReason, approved,
        ipv4Addresses, ipv6Networks, hash, createdAt, conflict, requestedAt);
  }
}
