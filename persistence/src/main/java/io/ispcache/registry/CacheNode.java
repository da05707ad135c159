package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * A registered cache node. {@code status} and the IP-space figures are derived by the registry;
 * {@code approved} records an operator's approval of exactly the current CIDR blocks.
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
    Instant createdAt)
    implements CborSerializable {

  /** Receives traffic: enabled, VALID, with a server IP and at least one block. */
  public boolean routable() {
    return enabled && status == IpSpaceStatus.VALID && serverIp != null && !cidrBlocks.isEmpty();
  }
}
