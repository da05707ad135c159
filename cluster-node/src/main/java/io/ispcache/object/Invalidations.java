package io.ispcache.object;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.serialization.CborSerializable;
import io.ispcache.store.ChunkStore;
import io.ispcache.store.ObjectMeta;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Carries invalidations (RFC 9111 §4.4) from the node that forwarded a successful unsafe request to
 * every other cache node, which drop their copies of the objects named. Best effort, as the RFC
 * asks of one cache: a node that is unreachable when it is told keeps its copy until it goes stale
 * (and the object's entity sends no other node to it for that revision). Unlike an operator's
 * purge nothing is recorded in the registry: the invalidations of a busy web application would
 * grow the journal without bound.
 */
public final class Invalidations {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Invalidations.class);
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "ispcache-invalidations");

  private Invalidations() {}

  /** Messages to a node's invalidations actor. */
  public sealed interface Command {}

  /**
   * From another node: drop the objects stored under {@code keys} at or before {@code atMillis}
   * (a copy stored later was fetched after the change and stays).
   */
  public record Invalidate(List<String> keys, long atMillis, String from) implements Command, CborSerializable {}

  /** From this node: tell every other cache node to drop {@code keys}. */
  public record Spread(List<String> keys, long atMillis) implements Command, NoSerializationVerificationNeeded {}

  /** The receptionist's current list of invalidations actors (local message). */
  private record Peers(Set<ActorRef<Command>> refs) implements Command, NoSerializationVerificationNeeded {}

  public static Behavior<Command> create(ChunkStore store, NodeMetrics metrics, String selfNode, Executor blockingIo) {
    return Behaviors.setup(
        context -> {
          ActorRef<Command> self = context.getSelf();
          context.getSystem().receptionist().tell(Receptionist.register(KEY, self));
          ActorRef<Receptionist.Listing> listings =
              context.messageAdapter(Receptionist.Listing.class, l -> new Peers(l.getServiceInstances(KEY)));
          context.getSystem().receptionist().tell(Receptionist.subscribe(KEY, listings));
          ClusterSharding sharding = ClusterSharding.get(context.getSystem());
          Set<ActorRef<Command>> others = new HashSet<>();
          return Behaviors.receive(Command.class)
              .onMessage(
                  Peers.class,
                  p -> {
                    others.clear();
                    others.addAll(p.refs());
                    others.remove(self);
                    return Behaviors.same();
                  })
              .onMessage(
                  Spread.class,
                  s -> {
                    Invalidate message = new Invalidate(List.copyOf(s.keys()), s.atMillis(), selfNode);
                    others.forEach(o -> o.tell(message));
                    return Behaviors.same();
                  })
              .onMessage(
                  Invalidate.class,
                  i -> {
                    // The store deletes files: off the actor's thread.
                    CompletableFuture.runAsync(
                            () -> {
                              for (String key : i.keys()) {
                                ChunkStore.Purged purged = store.purge(key, false, i.atMillis());
                                metrics.invalidated(purged.objects().size());
                                for (ObjectMeta m : purged.objects()) {
                                  sharding.entityRefFor(ContentObject.TYPE_KEY, m.key()).tell(new ContentObject.Forgotten(m.version(), selfNode));
                                }
                              }
                            },
                            blockingIo)
                        .whenComplete(
                            (v, e) -> {
                              if (e != null) {
                                log.warn("invalidating {} as {} asked failed: {}", i.keys(), i.from(), e.toString());
                              }
                            });
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
