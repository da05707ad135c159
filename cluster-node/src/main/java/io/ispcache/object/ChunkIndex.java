package io.ispcache.object;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.ispcache.serialization.CborSerializable;
import io.ispcache.store.ChunkId;
import io.ispcache.store.ChunkStore;
import io.ispcache.store.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * This node's answer to an object entity that starts (first use, after passivation, or after its
 * shard moved to another node): which chunks of the object it holds and which it is filling. The
 * entity's directory lives in memory only, so without this survey a restarted entity would send
 * nodes to the origin for chunks the cluster already has.
 */
public final class ChunkIndex {
  public static final ServiceKey<Query> KEY = ServiceKey.create(Query.class, "ispcache-chunk-index");

  private ChunkIndex() {}

  /** Which chunks of {@code key} does this node have? */
  public record Query(String key, ActorRef<Holdings> replyTo) implements CborSerializable {}

  /** {@code node}'s chunks of one revision ({@code version} null: it knows nothing of the object). */
  public record Holdings(String node, String version, List<Long> held, List<Long> filling)
      implements CborSerializable {}

  public static Behavior<Query> create(ChunkStore store, String selfNode) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
          return Behaviors.receiveMessage(
              q -> {
                q.replyTo().tell(holdings(store, selfNode, q.key()));
                return Behaviors.same();
              });
        });
  }

  static Holdings holdings(ChunkStore store, String node, String key) {
    Optional<ObjectMeta> meta = store.meta(key);
    if (meta.isEmpty()) {
      return new Holdings(node, null, List.of(), List.of());
    }
    List<Long> held = new ArrayList<>();
    List<Long> filling = new ArrayList<>();
    long count = meta.get().chunkCount(store.chunkSize());
    for (long i = 0; i < count; i++) {
      ChunkId id = new ChunkId(key, meta.get().version(), i);
      if (store.has(id)) {
        held.add(i);
      } else if (store.fillInProgress(id).isPresent()) {
        filling.add(i);
      }
    }
    return new Holdings(node, meta.get().version(), held, filling);
  }
}
