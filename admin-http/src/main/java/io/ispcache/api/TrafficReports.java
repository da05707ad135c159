package io.ispcache.api;

import io.ispcache.registry.CacheNode;
import io.ispcache.registry.Customer;
import io.ispcache.registry.DeletedNode;
import io.ispcache.registry.Resource;
import io.ispcache.report.HealthBoard;
import io.ispcache.report.NodeTrafficList;
import io.ispcache.report.ReportRange;
import io.ispcache.report.Telemetry;
import io.ispcache.report.TelemetryTable;
import io.ispcache.report.TrafficReport;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * The traffic report API's answers: which nodes a caller may see a report of (a customer its own,
 * an operator all; another customer's node, resource or customer is 403, as everywhere in the
 * API), over which range, from the stored series.
 */
final class TrafficReports {
  /** What a report covers: the caller's whole scope, or one node, resource or customer. */
  enum Kind { ALL, NODE, RESOURCE, CUSTOMER }

  static final ReportRange DEFAULT_RANGE = ReportRange.DAY;

  private final RegistryClient registry;
  private final HealthBoard health;
  private final Telemetry telemetry;

  TrafficReports(RegistryClient registry, HealthBoard health, Telemetry telemetry) {
    this.registry = registry;
    this.health = health;
    this.telemetry = telemetry;
  }

  static ReportRange range(Optional<String> raw) {
    if (raw.isEmpty()) {
      return DEFAULT_RANGE;
    }
    return ReportRange.named(raw.get().strip())
        .orElseThrow(() -> ApiException.badRequest("range", "query parameter 'range' must be one of 1h, 24h, 7d, 30d"));
  }

  CompletionStage<TrafficReport> report(Caller c, Kind kind, String id, ReportRange range) {
    return registry.state().thenCompose(s -> {
      TelemetryTable.Scope scope;
      Predicate<CacheNode> live;
      switch (kind) {
        case ALL -> {
          scope = c.operator() ? TelemetryTable.Scope.ALL : TelemetryTable.Scope.customer(c.customerId());
          live = n -> c.operator() || n.customerId().equals(c.customerId());
        }
        case NODE -> {
          // A deleted node's report stays readable (to its owner) while its figures are kept, as its history.
          String owner = s.node(id).map(CacheNode::customerId).or(() -> s.deletedNode(id).map(DeletedNode::customerId))
              .orElseThrow(() -> ApiException.notFound("cache node " + id));
          c.requireOwner(owner);
          scope = TelemetryTable.Scope.node(id);
          live = n -> n.id().equals(id);
        }
        case RESOURCE -> {
          Resource r = Optional.ofNullable(s.resources().get(id)).orElseThrow(() -> ApiException.notFound("resource " + id));
          c.requireOwner(r.customerId());
          scope = TelemetryTable.Scope.resource(id);
          live = n -> n.resourceId().equals(id);
        }
        default -> {
          Customer x = Optional.ofNullable(s.customers().get(id)).orElseThrow(() -> ApiException.notFound("customer " + id));
          c.requireOwner(x.id());
          scope = TelemetryTable.Scope.customer(id);
          live = n -> n.customerId().equals(id);
        }
      }
      List<String> nodes = s.nodes().values().stream().filter(live).map(CacheNode::id).toList();
      int healthy = (int) nodes.stream().filter(health::healthy).count();
      ReportRange.Window w = range.window(telemetry.clock().instant());
      return telemetry.buckets(scope, range, w).thenApply(b -> TrafficReport.of(range, w, b, healthy, nodes.size() - healthy));
    });
  }

  /** Every node the caller sees (an operator: all) with its traffic over {@code range}, by name. */
  CompletionStage<NodeTrafficList> nodes(Caller c, ReportRange range) {
    return registry.state().thenCompose(s -> {
      List<NodeTrafficList.Node> nodes = s.nodes().values().stream()
          .filter(n -> c.operator() || n.customerId().equals(c.customerId()))
          .sorted(java.util.Comparator.comparing(CacheNode::name).thenComparing(CacheNode::id))
          .map(n -> new NodeTrafficList.Node(n.id(), n.name(), n.resourceId(), n.customerId(), health.healthy(n.id())))
          .toList();
      TelemetryTable.Scope scope = c.operator() ? TelemetryTable.Scope.ALL : TelemetryTable.Scope.customer(c.customerId());
      ReportRange.Window w = range.window(telemetry.clock().instant());
      return telemetry.perNode(scope, w).thenApply(t -> NodeTrafficList.of(range, w, nodes, t));
    });
  }
}
