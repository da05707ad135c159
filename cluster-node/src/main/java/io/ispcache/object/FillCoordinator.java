package io.ispcache.object;

import akka.Done;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import io.ispcache.concurrent.Stages;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.origin.DirectBody;
import io.ispcache.origin.OriginException;
import io.ispcache.origin.OriginObject;
import io.ispcache.origin.OriginReply;
import io.ispcache.origin.OriginRequest;
import io.ispcache.peer.PeerChunk;
import io.ispcache.store.ChunkFill;
import io.ispcache.store.ChunkId;
import io.ispcache.store.ChunkStore;
import io.ispcache.store.ObjectMeta;
import io.ispcache.store.StoreFullException;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills one chunk on this node as the object's {@link ContentObject} entity grants it: pulled from
 * the peer it names, else fetched from the origin; when the entity is silent (its node lost) or
 * this node is leaving, without it, through the stand-in the directory names. Each fill is
 * registered in the store before its stage completes, and the entity is told how it ended.
 */
final class FillCoordinator {
  private static final Logger log = LoggerFactory.getLogger(FillCoordinator.class);

  /** An object's entity, as a fill sees it: asked for a grant, told how the fill went. */
  interface Entity {
    /** The entity's grant of chunk {@code chunk} to this node, or a failure after {@code timeout}. */
    CompletionStage<ContentObject.Grant> acquire(long chunk, Duration timeout);

    void tell(ContentObject.Command message);

    /** The sharded entity {@code ref}, asked on behalf of node {@code selfNode}. */
    static Entity of(EntityRef<ContentObject.Command> ref, String selfNode) {
      return new Entity() {
        @Override
        public CompletionStage<ContentObject.Grant> acquire(long chunk, Duration timeout) {
          return ref.<ContentObject.Grant>ask(reply -> new ContentObject.Acquire(chunk, selfNode, reply), timeout);
        }

        @Override
        public void tell(ContentObject.Command message) {
          ref.tell(message);
        }
      };
    }
  }

  /** The entity of each object, by cache key. */
  interface Entities {
    Entity of(String key);
  }

  /** Pulls a chunk from another cache node over the peer port. */
  interface Peers {
    /**
     * Chunk {@code chunk} of {@code address}'s object in revision {@code version} (null: any)
     * from node {@code peer}; {@code standIn}: that node fills it from the origin if it must,
     * standing in for a lost entity.
     */
    CompletionStage<PeerChunk> pull(String peer, ObjectAddress address, long chunk, String version, boolean standIn);
  }

  /** Fetches byte ranges of objects from their origins. */
  interface Origins {
    CompletionStage<OriginReply> fetch(OriginRequest request);
  }

  /** Which node fills a chunk whose entity is lost (every node names the same one). */
  interface StandIns {
    String standIn(String key, long chunk);

    /** {@code node} failed a stand-in fill: it is not named for a while. */
    void failed(String node);
  }

  private final ChunkStore store;
  private final Origins origin;
  private final Peers peers;
  private final Entities entities;
  private final EntityAsks asks;
  private final SilentEntities silentEntities;
  private final StandIns directory;
  private final StoredAnswers answers;
  private final NodeMetrics metrics;
  private final String selfNode;
  private final Materializer materializer;
  private final Executor dispatcher;
  private final Executor blockingIo;
  private final Object beginLock = new Object();
  /** The chunks last filled here from a peer (in progress or committed), newest last; bounded. */
  private final PulledChunks pulled = new PulledChunks(4096);
  /** This node is leaving the cluster: fills go to the origin without the entity. */
  private volatile boolean leaving;

  FillCoordinator(
      ChunkStore store,
      Origins origin,
      Peers peers,
      Entities entities,
      EntityAsks asks,
      StandIns directory,
      StoredAnswers answers,
      NodeMetrics metrics,
      String selfNode,
      Materializer materializer,
      Executor dispatcher,
      Executor blockingIo) {
    this.store = store;
    this.origin = origin;
    this.peers = peers;
    this.entities = entities;
    this.asks = asks;
    this.silentEntities = asks.silent();
    this.directory = directory;
    this.answers = answers;
    this.metrics = metrics;
    this.selfNode = selfNode;
    this.materializer = materializer;
    this.dispatcher = dispatcher;
    this.blockingIo = blockingIo;
  }

  /** From now on fills go to the origin without asking their entities (see {@link ChunkSupply#leave}). */
  void leave() {
    leaving = true;
  }

  /**
   * Whether the chunk's latest fill on this node pulls (or pulled) its bytes from a peer node
   * rather than the origin.
   */
  boolean pulledFromPeer(ChunkId id) {
    return pulled.fromPeer(id);
  }

  /**
   * Fills chunk {@code chunk} of {@code address}'s object in revision {@code known} (null: the
   * origin's current one): completes with the object's meta once the fill is registered in the
   * store (or the chunk found there), or fails with the origin's or the store's failure.
   *
   * @param standIn this node fills the chunk for other nodes that chose it as the lost entity's stand-in
   */
  CompletionStage<ObjectMeta> start(ObjectAddress address, ObjectMeta known, long chunk, boolean standIn) {
    return start(address, known, chunk, 0, standIn);
  }

  /** Peers tried for one chunk before the node goes to the origin itself. */
  private static final int PEER_ATTEMPTS = 2;

  /**
   * @param peerFailures pulls of this chunk from peers that failed so far
   * @param standIn this node fills the chunk for other nodes that chose it as the lost entity's stand-in
   */
  private CompletionStage<ObjectMeta> start(
      ObjectAddress address, ObjectMeta known, long chunk, int peerFailures, boolean standIn) {
    if (leaving) {
      metrics.uncoordinatedFill();
      return fillFromOrigin(null, address, known, chunk);
    }
    Entity entity = entities.of(address.key());
    long now = System.nanoTime();
    if (standIn || silentEntities.silent(address.key(), now)) {
      // Its shard's last ask (here, or on the node that chose this one as stand-in) timed out
      // moments ago: the next would too, and the reader would wait for it.
      return withoutEntity(entity, address, known, chunk, peerFailures > 0 || standIn);
    }
    // On the dispatcher: a timed-out ask fails on the scheduler's thread, which must not go on to
    // start fills (when an entity's node crashes, hundreds of asks time out at once).
    return Stages.plain(entity.acquire(chunk, asks.timeout(address.key(), now)), dispatcher)
        .thenCompose(
            grant -> {
              if (silentEntities.answered(address.key(), System.nanoTime())) {
                log.info("the entities of shard {} answer again (object {})", silentEntities.shard(address.key()), address.key());
              }
              if (grant instanceof ContentObject.FromPeer p && peerFailures < PEER_ATTEMPTS) {
                return fillFromPeer(entity, address, known, chunk, p.node(), peerFailures, false);
              }
              return fillFromOrigin(entity, address, known, chunk);
            })
        .exceptionallyCompose(
            error -> {
              Throwable cause = unwrap(error);
              if (timedOut(cause)) {
                // The entity is unreachable (its node crashed and is not yet downed, or shards are
                // moving): serving this client matters more than cluster-wide coalescing.
                log.warn("object entity for {} did not answer; filling chunk {} without it", address.key(), chunk);
                silentEntities.timedOut(address.key(), System.nanoTime());
                return withoutEntity(entity, address, known, chunk, peerFailures > 0 || standIn);
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  /**
   * A chunk whose entity is lost: filled by the reachable node the directory names for it (every
   * node names the same one, so the cluster fetches it from the origin about once), pulled from
   * there unless that is this node; from the origin by this node when {@code ownFill} (it is the
   * stand-in, or a pull already failed) or when the pull fails.
   */
  private CompletionStage<ObjectMeta> withoutEntity(
      Entity entity, ObjectAddress address, ObjectMeta known, long chunk, boolean ownFill) {
    return withoutEntity(entity, address, known, chunk, ownFill, 0);
  }

  private CompletionStage<ObjectMeta> withoutEntity(
      Entity entity, ObjectAddress address, ObjectMeta known, long chunk, boolean ownFill, int standInFailures) {
    if (standInFailures == 0) {
      metrics.uncoordinatedFill();
    }
    String standIn = ownFill ? selfNode : directory.standIn(address.key(), chunk);
    if (standIn.equals(selfNode)) {
      return fillFromOrigin(entity, address, known, chunk);
    }
    return fillFromPeer(entity, address, known, chunk, standIn, standInFailures, true);
  }

  /** Whether {@code error} is an ask's or a wait's timeout. */
  static boolean timedOut(Throwable error) {
    Throwable cause = unwrap(error);
    return cause instanceof java.util.concurrent.TimeoutException || cause instanceof akka.pattern.AskTimeoutException;
  }

  private CompletionStage<ObjectMeta> fillFromPeer(
      Entity entity,
      ObjectAddress address,
      ObjectMeta known,
      long chunk,
      String peerId,
      int peerFailures,
      boolean standIn) {
    long started = System.nanoTime();
    metrics.peerFetch();
    String version = known == null ? null : known.version();
    return peers.pull(peerId, address, chunk, version, standIn)
        .handleAsync(
            (pulled, error) -> {
              if (error == null) {
                long size = store.chunkSize();
                long first = chunk * size;
                long last = Math.min(first + size, pulled.object().length()) - 1;
                try {
                  return CompletableFuture.completedFuture(
                      begin(
                          entity,
                          address,
                          known,
                          chunk,
                          new OriginReply.Bytes(pulled.object(), first, last, pulled.body()),
                          started,
                          peerId));
                } catch (RuntimeException e) {
                  error = e;
                }
              }
              // The peer is gone, evicted the chunk or holds another version: ask again.
              metrics.peerFetchFailed();
              log.info("chunk {} of {} not available from peer {}: {}", chunk, address.key(), peerId, unwrap(error).getMessage());
              if (standIn) {
                // The stand-in is gone too (dead before the cluster noticed) or could not fill it:
                // another is chosen without it, once; then this node fills it itself.
                directory.failed(peerId);
                return withoutEntity(entity, address, known, chunk, peerFailures + 1 >= PEER_ATTEMPTS, peerFailures + 1);
              }
              entity.tell(new ContentObject.PeerFailed(chunk, peerId));
              return start(address, known, chunk, peerFailures + 1, false);
            },
            blockingIo)
        .thenCompose(stage -> stage);
  }

  private CompletionStage<ObjectMeta> fillFromOrigin(
      Entity entity, ObjectAddress address, ObjectMeta known, long chunk) {
    long size = store.chunkSize();
    long first = chunk * size;
    long last = known == null ? first + size - 1 : Math.min(first + size, known.length()) - 1;
    long started = System.nanoTime();
    metrics.originFetch();
    return origin
        .fetch(new OriginRequest(address.origin(), address.host(), address.pathAndQuery(), first, last, null, null, address.forwarded()))
        .handleAsync(
            (reply, error) -> {
              if (error != null) {
                release(entity, chunk);
                metrics.originFetchFailed();
                throw new CompletionException(unwrap(error));
              }
              try {
                return begin(entity, address, known, chunk, reply, started, null);
              } catch (RuntimeException e) {
                release(entity, chunk);
                throw e;
              }
            },
            blockingIo);
  }

  /**
   * Registers the fill of chunk {@code chunk} with {@code reply}'s bytes in the store (unless the
   * chunk is there already) and feeds it; {@code peer}: the node the bytes come from, null for the
   * origin; {@code entity}, told how the fill ends, null for a fill nobody granted. Returns the
   * object's meta, or throws what the reply means (another revision, an uncacheable answer, a size
   * out of bounds, a full store).
   */
  ObjectMeta begin(
      Entity entity,
      ObjectAddress address,
      ObjectMeta known,
      long chunk,
      OriginReply reply,
      long started,
      String peer) {
    Counter received = peer == null ? metrics.originBytes() : metrics.peerBytes();
    if (reply instanceof OriginReply.BeyondEnd b) {
      throw new BeyondEndException(b.length());
    }
    if (reply instanceof OriginReply.Uncacheable u) {
      answers.offer(address.key(), address.origin(), u.response(), System.currentTimeMillis());
      throw new RelayException(u.response());
    }
    OriginReply.Bytes bytes = (OriginReply.Bytes) reply;
    answers.forget(address.key());
    long stated = bytes.object().length();
    if (stated > address.origin().maxObjectSize()) {
      // Before the meta exists: a stated size is bounded before anything is stored or sized by it.
      discard(bytes);
      throw new OriginException(
          OriginException.Kind.BAD_RESPONSE,
          "upstream states " + stated + " bytes for " + address.key() + ", above the origin's max-object-size of "
              + address.origin().maxObjectSize() + " bytes");
    }
    ObjectMeta meta = metaOf(address, bytes.object());
    if (known != null && !meta.version().equals(known.version())) {
      store.putMeta(meta);
      discard(bytes);
      throw new ObjectChangedException(address.key(), known.version(), meta.version());
    }
    Optional<ObjectMeta> current = store.meta(address.key());
    if (current.isPresent() && current.get().version().equals(meta.version())) {
      meta = current.get();
    } else {
      store.putMeta(meta);
    }
    if (meta.length() == 0) {
      discard(bytes);
      release(entity, chunk);
      return meta;
    }
    long expected = Math.min(store.chunkSize(), meta.length() - chunk * store.chunkSize());
    if (bytes.last() - bytes.first() + 1 != expected) {
      discard(bytes);
      throw new OriginException(
          OriginException.Kind.BAD_RESPONSE,
          "origin sent bytes " + bytes.first() + "-" + bytes.last() + " for chunk " + chunk
              + " of " + address.key() + ", expected " + expected + " bytes");
    }
    ChunkId id = new ChunkId(meta.key(), meta.version(), chunk);
    ChunkFill fill;
    synchronized (beginLock) {
      if (present(id)) {
        discard(bytes);
        release(entity, chunk);
        return meta;
      }
      try {
        fill = store.beginFill(id, expected);
      } catch (StoreFullException e) {
        discard(bytes);
        throw new CompletionException(e);
      }
      pulled.began(id, peer != null);
    }
    String version = meta.version();
    CompletionStage<Done> done =
        bytes.direct() != null
            ? fillDirect(fill, bytes.direct(), received)
            : bytes.body().map(b -> {
              received.increment(b.size());
              return b;
            }).runWith(fill.sink(), materializer);
    done.whenComplete(
        (d, e) -> {
          if (e != null) {
            pulled.failed(id);
          }
          if (e == null) {
            metrics.fillTook(System.nanoTime() - started);
            if (entity != null) {
              entity.tell(new ContentObject.Filled(chunk, version, selfNode));
            }
          } else if (unwrap(e) instanceof ReadAheadAbandonedException) {
            release(entity, chunk); // no failure: nobody waits for it any more
          } else if (peer != null) {
            // The peer died or stalled mid-body: the next ask must not be sent back to it. Readers
            // of this fill take the rest of the chunk from a new one (see ChunkPart).
            metrics.peerFetchFailed();
            entity.tell(new ContentObject.PeerFailed(chunk, peer));
            log.warn("fill of chunk {} of {} from peer {} failed: {}", chunk, address.key(), peer, unwrap(e).getMessage());
          } else {
            metrics.originFetchFailed();
            release(entity, chunk);
            log.warn("fill of chunk {} of {} failed: {}", chunk, address.key(), unwrap(e).getMessage());
          }
        });
    return meta;
  }

  /**
   * The fill written on the origin body's fetching thread, piece by piece: no stream to
   * materialize per chunk and no thread hop per piece (the socket waits while the disk writes).
   */
  private static CompletionStage<Done> fillDirect(ChunkFill fill, DirectBody body, Counter received) {
    boolean taken =
        body.pump(
            new DirectBody.Receiver() {
              @Override
              public void piece(ByteString bytes) {
                received.increment(bytes.size());
                fill.accept(bytes);
              }

              @Override
              public java.nio.ByteBuffer room() {
                return fill.room();
              }

              @Override
              public void filled(java.nio.ByteBuffer room, int n) {
                received.increment(n);
                fill.filled(room, n);
              }

              @Override
              public void end() {
                fill.finish();
              }

              @Override
              public void failed(Throwable cause) {
                fill.abort(cause);
              }
            });
    if (!taken) {
      fill.abort(new IllegalStateException("chunk " + fill.id().index() + " of " + fill.id().key() + ": its origin body was read already"));
    }
    // A fill given up (read-ahead nobody reads any more, a store error) lets go of its origin
    // connection at once, even while the origin is silent.
    fill.committed().whenComplete((d, e) -> {
      if (e != null) {
        body.cancel();
      }
    });
    return fill.committed();
  }

  void discard(OriginReply.Bytes bytes) {
    bytes.body().runWith(Sink.cancelled(), materializer);
  }

  /** Gives the entity back a grant; {@code entity} null: a leaving node's fill, granted by nobody. */
  private void release(Entity entity, long chunk) {
    if (entity == null) {
      return;
    }
    entity.tell(new ContentObject.Released(chunk, selfNode));
  }


  private boolean present(ChunkId id) {
    return store.has(id) || store.fillInProgress(id).isPresent();
  }

  static ObjectMeta metaOf(ObjectAddress address, OriginObject o) {
    return new ObjectMeta(
        address.key(), o.length(), o.etag(), o.lastModified(), o.contentType(), System.currentTimeMillis(),
        null, o.headers(), o.validatedAt(), o.initialAge());
  }

  static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
