package io.ispcache.object;

import akka.actor.Address;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cache nodes of the cluster by their peer ids, and which of them stands in for a lost
 * object entity: while an entity does not answer (its node crashed and its shard has not moved
 * yet), the chunks of its object are filled by one reachable node each, chosen by rendezvous
 * hashing of key and chunk over the reachable cache nodes, so every node picks the same one and
 * the others pull from it; the cluster still fetches each chunk from the origin about once.
 *
 * <p>Each cache node registers an actor whose name carries its peer id with the receptionist; the
 * listing is the directory. Nothing is ever sent to those actors.
 */
public final class PeerDirectory implements FillCoordinator.StandIns {
  private static final ServiceKey<Never> KEY = ServiceKey.create(Never.class, "ispcache-peer-directory");
  private static final String PREFIX = "peer-directory-";

  /** The registered actors' message type: none is sent. */
  public interface Never {}

  private final String selfNode;
  private final Cluster cluster;
  /** The cache nodes' peer ids by their Akka addresses, this node's included. */
  private volatile Map<Address, String> nodes;
  /** Peers a pull from failed lately (refused: dead before the cluster noticed), until when (System.nanoTime()). */
  private final java.util.concurrent.ConcurrentHashMap<String, Long> failed = new java.util.concurrent.ConcurrentHashMap<>();
  /** How long a peer that failed a pull is not chosen as a stand-in: about until the cluster finds it unreachable. */
  static final long FAILED_NANOS = java.time.Duration.ofSeconds(10).toNanos();

  private PeerDirectory(String selfNode, Cluster cluster) {
    this.selfNode = selfNode;
    this.cluster = cluster;
    this.nodes = Map.of(cluster.selfMember().address(), selfNode);
  }

  /** Registers this node (its peer id {@code selfNode}) and follows the others. */
  public static PeerDirectory start(ActorSystem<?> system, String selfNode) {
    PeerDirectory directory = new PeerDirectory(selfNode, Cluster.get(system));
    String name = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(selfNode.getBytes(StandardCharsets.UTF_8));
    system.systemActorOf(directory.behavior(), name, Props.empty());
    return directory;
  }

  /** A directory of known nodes, for tests of the choice. */
  static PeerDirectory of(String selfNode, Cluster cluster, Map<Address, String> nodes) {
    PeerDirectory d = new PeerDirectory(selfNode, cluster);
    d.nodes = Map.copyOf(nodes);
    return d;
  }

  /** The node that fills {@code chunk} of {@code key} while its entity is lost: one of the reachable cache nodes. */
  @Override
  public String standIn(String key, long chunk) {
    Set<Address> unreachable = cluster.state().getUnreachable().stream().map(Member::address).collect(Collectors.toSet());
    long now = System.nanoTime();
    List<String> candidates = new ArrayList<>();
    for (Map.Entry<Address, String> e : nodes.entrySet()) {
      Long until = failed.get(e.getValue());
      if (until != null && until - now <= 0) {
        failed.remove(e.getValue(), until);
        until = null;
      }
      if (!unreachable.contains(e.getKey()) && until == null) {
        candidates.add(e.getValue());
      }
    }
    return candidates.isEmpty() ? selfNode : HolderChoice.of(candidates, chunk, key);
  }

  /** A pull from {@code peer} as a stand-in failed: it is not chosen again for a while. */
  @Override
  public void failed(String peer) {
    if (!peer.equals(selfNode)) {
      failed.put(peer, System.nanoTime() + FAILED_NANOS);
    }
  }

  private Behavior<Never> behavior() {
    return Behaviors.<Object>setup(
            context -> {
              ActorRef<Never> self = context.getSelf().narrow();
              context.getSystem().receptionist().tell(Receptionist.register(KEY, self));
              // Through an adapter: the receptionist watches a registered actor and a subscriber
              // with different messages, and one actor as both makes it fail.
              context.getSystem().receptionist().tell(
                  Receptionist.subscribe(KEY, context.messageAdapter(Receptionist.Listing.class, listing -> listing)));
              return Behaviors.receiveMessage(
                  message -> {
                    if (message instanceof Receptionist.Listing listing) {
                      listed(listing.getServiceInstances(KEY));
                    }
                    return Behaviors.same();
                  });
            })
        .narrow();
  }

  private void listed(Set<ActorRef<Never>> refs) {
    Map<Address, String> next = new HashMap<>();
    next.put(cluster.selfMember().address(), selfNode);
    for (ActorRef<Never> ref : refs) {
      String name = ref.path().name();
      Address address = ref.path().address();
      if (!name.startsWith(PREFIX) || !address.hasGlobalScope()) {
        continue; // this node's own, already in
      }
      try {
        next.put(address, new String(Base64.getUrlDecoder().decode(name.substring(PREFIX.length())), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // not one of ours
      }
    }
    nodes = Map.copyOf(next);
  }
}
