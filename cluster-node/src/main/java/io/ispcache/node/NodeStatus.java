package io.ispcache.node;

import akka.actor.typed.ActorSystem;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.store.ChunkStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** What the node reports about itself on the health port and to the registry. */
final class NodeStatus {
  record Drive(String path, long maxBytes, long usedBytes, long chunks, boolean writable) {}

  record Health(
      boolean healthy,
      String member,
      List<String> roles,
      boolean contentServing,
      List<Drive> drives,
      List<String> problems,
      List<String> warnings) {}

  record Summary(
      long requests,
      long hitRequests,
      long missRequests,
      long partialRequests,
      long peerRequests,
      long hitBytes,
      long missBytes,
      long egressBytes,
      double hitRatioBytes,
      long originFetches,
      long originBytes,
      long peerFetches,
      long peerFetchFailures,
      long peerBytes,
      long peerServedBytes,
      long diskUsedBytes,
      long diskCapacityBytes) {}

  private final Cluster cluster;
  private final NodeMetrics metrics;
  private final Optional<ChunkStore> store;
  final AtomicBoolean contentServing = new AtomicBoolean();
  /** Downloads still in flight while the node leaves; null until a leave begins. */
  final java.util.concurrent.atomic.AtomicReference<java.util.function.IntSupplier> leaving =
      new java.util.concurrent.atomic.AtomicReference<>();

  NodeStatus(ActorSystem<?> system, NodeMetrics metrics, Optional<ChunkStore> store) {
    this.cluster = Cluster.get(system);
    this.metrics = metrics;
    this.store = store;
  }

  NodeMetrics metrics() {
    return metrics;
  }

  Health health() {
    List<String> problems = new ArrayList<>();
    MemberStatus member = cluster.selfMember().status();
    if (member != MemberStatus.up()) {
      problems.add("cluster member is " + member + ", not Up");
    }
    java.util.function.IntSupplier draining = leaving.get();
    if (draining != null) {
      // Said first: load balancers and steering read it as "send nobody here any more".
      problems.add(0, "leaving the cluster: new requests are refused, " + draining.getAsInt() + " downloads in flight finish");
    }
    List<Drive> drives = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (store.isPresent()) {
      warnings.addAll(store.get().fillingStopped());
      if (!contentServing.get() && draining == null) {
        problems.add("content port is not bound");
      }
      if (!store.get().healthy()) {
        problems.add("a cache drive is missing or not writable");
      }
      for (var d : store.get().stats().drives()) {
        drives.add(new Drive(d.path().toString(), d.maxBytes(), d.usedBytes(), d.chunkCount(), d.writable()));
      }
    }
    List<String> roles = new ArrayList<>(cluster.selfMember().getRoles());
    roles.removeIf(r -> r.startsWith("dc-"));
    roles.sort(String::compareTo);
    return new Health(problems.isEmpty(), member.toString(), roles, contentServing.get(), drives, problems, warnings);
  }

  Summary summary() {
    NodeMetrics.Totals t = metrics.totals();
    long used = 0;
    long capacity = 0;
    if (store.isPresent()) {
      for (var d : store.get().stats().drives()) {
        used += d.usedBytes();
        capacity += d.maxBytes();
      }
    }
    long hit = t.hitBytes();
    long miss = t.missBytes();
    return new Summary(
        t.requests(),
        t.hitRequests(),
        t.missRequests(),
        t.partialRequests(),
        t.peerRequests(),
        hit,
        miss,
        t.egressBytes(),
        hit + miss == 0 ? 0.0 : (double) hit / (hit + miss),
        t.originFetches(),
        t.originBytes(),
        t.peerFetches(),
        t.peerFetchFailures(),
        t.peerBytes(),
        t.peerServedBytes(),
        used,
        capacity);
  }
}
