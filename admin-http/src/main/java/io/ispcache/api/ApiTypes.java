package io.ispcache.api;

import io.ispcache.registry.NodeDrive;
import java.util.List;

/** The API's request and response bodies: explicit records, never domain objects. */
public final class ApiTypes {
  private ApiTypes() {}

  public record NewCustomer(String name) {}

  public record NewResource(String name, String customerId) {}

  public record NewNode(
      String resourceId, String name, String serverIp, String cidrBlocks, Integer maxEgressMbps, Boolean enabled, List<NodeDrive> drives) {}

  public record NodeEdit(String serverIp, String cidrBlocks, Integer maxEgressMbps, Boolean enabled, String name) {}

  public record Rejection(String reason) {}

  public record MemberAddress(String address) {}

  /** One object ({@code url}) or every object under a URL prefix; {@code all} confirms a whole host. */
  public record NewPurge(String url, String prefix, Boolean all) {}

  /** A recorded purge: {@code url} or {@code prefix} as asked, the cache key (prefix) nodes drop, who and when. */
  public record PurgeView(long seq, String url, String prefix, String cacheKey, String by, String at) {}

  /** Purges in the order recorded, and the number of the last one recorded. */
  public record PurgeListView(List<PurgeView> purges, long last) {}

  public record ApiKey(String customerId, String apiKey) {}

  /** Who a key belongs to: the operator, or a customer with its id and name. */
  public record Me(boolean operator, String customerId, String customerName) {}

  /** A customer; {@code apiKeys} (how many keys it holds) only for operators. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record CustomerView(String id, String name, String createdAt, Integer apiKeys) {}

  /** Shown once: at creation and on rotation. */
  public record ActivationKeys(String customerId, String cacheNodeId, String nodeKey) {}

  /** A cache node; {@code conflict} (the other node and block of an overlap) only for operators. */
  public record NodeView(
      String id,
      String customerId,
      String resourceId,
      String name,
      String serverIp,
      String cidrBlocks,
      int maxEgressMbps,
      boolean enabled,
      List<NodeDrive> drives,
      String ipSpaceStatus,
      String statusReason,
      String conflict,
      long ipv4Addresses,
      String ipv6Networks,
      boolean healthy,
      Usage usage,
      ActivationKeys activationKeys) {}

  /** One change to a node; {@code cause} (what freed space a re-evaluation used) only for operators. */
  public record HistoryView(String at, String actor, String change, String cause) {}

  /** The node's last heartbeat: cache usage and traffic; null before the first. */
  public record Usage(String reportedAt, long diskUsedBytes, long diskCapacityBytes, long hitBytes, long missBytes, long egressBytes, long requests) {}

  public record Activate(String customerId, String cacheNodeId, String nodeKey) {}

  /**
   * A node agent's heartbeat: health, cumulative counters since the node started, drives' usage.
   * {@code peerBytes}, {@code originBytes}, {@code hitRequests} and {@code errors} came later and
   * may be absent (agents of earlier releases): they read 0, and origin bytes as miss bytes.
   */
  public record Heartbeat(
      String customerId,
      String cacheNodeId,
      String nodeKey,
      boolean healthy,
      long hitBytes,
      long missBytes,
      long egressBytes,
      long requests,
      long diskUsedBytes,
      long diskCapacityBytes,
      Long peerBytes,
      Long originBytes,
      Long hitRequests,
      Long errors) {}

  public record SteeredNode(String id, String name, String serverIp, String url) {}

  public record SteerAnswer(String clientIp, boolean useCdn, String reason, String block, List<SteeredNode> nodes) {}
}
