package io.ispcache.object;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.EntityRef;
import akka.japi.pf.PFBuilder;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.concurrent.Stages;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.origin.OriginClient;
import io.ispcache.origin.OriginException;
import io.ispcache.origin.OriginObject;
import io.ispcache.origin.OriginReply;
import io.ispcache.origin.OriginRequest;
import io.ispcache.peer.PeerClient;
import io.ispcache.peer.PeerNode;
import io.ispcache.store.ChunkFill;
import io.ispcache.store.ChunkId;
import io.ispcache.store.ChunkMissingException;
import io.ispcache.store.ChunkStore;
import io.ispcache.store.ObjectMeta;
import io.ispcache.store.PieceReader;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the content server the bytes of a chunk: from the local store when it is there (no actor
 * involved), otherwise from a fill that the object's {@link ContentObject} entity granted. Fills
 * are coalesced twice: on this node by chunk (one fill, any number of readers tailing it), and
 * across the cluster by the entity.
 */
public final class ChunkSupply {
  private static final Logger log = LoggerFactory.getLogger(ChunkSupply.class);

  private final ChunkStore store;
  private final OriginClient origin;
  private final NodeMetrics metrics;
  private final ClusterSharding sharding;
  private final EntityAsks asks;
  private final int readAhead;
  private final String selfNode;
  private final Executor dispatcher;
  private final Executor blockingIo;
  /** The chunk fills this node starts or waits for: one per chunk and revision at a time. */
  private final SingleFlight<FillKey, ObjectMeta> fills;
  /** Revalidations this node runs or waits for, by cache key: one per object at a time. */
  private final SingleFlight<String, ObjectMeta> revalidations;
  /** Shards whose entity just failed to answer: their fills skip it for one ask timeout. */
  private final SilentEntities silentEntities;
  /** Fills the chunks nobody here has started yet: entity, then peer or origin. */
  private final FillCoordinator coordinator;
  private final ReadAhead interest = new ReadAhead();
  /** Small non-content answers (redirects, 404s) kept while their origin says they are fresh. */
  private final StoredAnswers answers = new StoredAnswers(16L << 20, 10_000);
  private final akka.actor.typed.ActorRef<Invalidations.Command> invalidations;
  /** This node is leaving the cluster: no read-ahead, and fills go to the origin without the entity. */
  private volatile boolean leaving;

  public ChunkSupply(
      ActorSystem<?> system,
      ChunkStore store,
      OriginClient origin,
      NodeMetrics metrics,
      PeerClient peers,
      String selfNode,
      EntityAsks asks,
      PeerDirectory directory,
      int readAhead,
      Executor blockingIo,
      akka.actor.typed.ActorRef<Invalidations.Command> invalidations) {
    this.invalidations = invalidations;
    this.store = store;
    this.origin = origin;
    this.metrics = metrics;
    this.fills = new SingleFlight<>(metrics::coalescedWait);
    this.revalidations = new SingleFlight<>(metrics::coalescedWait);
    this.sharding = ClusterSharding.get(system);
    this.asks = asks;
    this.silentEntities = asks.silent();
    this.readAhead = readAhead;
    this.selfNode = selfNode;
    this.dispatcher = system.executionContext();
    this.blockingIo = blockingIo;
    this.coordinator =
        new FillCoordinator(
            store,
            origin::fetch,
            (peer, address, chunk, version, standIn) ->
                standIn
                    ? peers.fetch(PeerNode.parse(peer), address.key(), chunk, version, address.host(), address.pathAndQuery())
                    : peers.fetch(PeerNode.parse(peer), address.key(), chunk, version),
            key -> FillCoordinator.Entity.of(sharding.entityRefFor(ContentObject.TYPE_KEY, key), selfNode),
            asks,
            directory,
            answers,
            metrics,
            selfNode,
            Materializer.matFromSystem(system),
            dispatcher,
            blockingIo);
    // An evicted chunk's entity must stop handing this node out as its holder.
    store.onEvicted(
        id -> sharding.entityRefFor(ContentObject.TYPE_KEY, id.key()).tell(new ContentObject.Dropped(id.index(), id.version(), selfNode)));
  }

  /**
   * The node is leaving: from now on nothing is fetched ahead of a reader (a download the drain
   * time cuts would throw it away), and the chunks its remaining downloads reach are fetched from
   * the origin without asking their entities. The shards move away as the leave goes on (an
   * exiting member's region is not taken back by a coordinator that moved), so an ask could wait
   * its whole timeout; and a node on its way out must not be named as a holder of new chunks.
   * Chunks already stored or being filled here are still served from here.
   */
  public void leave() {
    leaving = true;
    coordinator.leave();
  }

  /** The objects this node's responses read, which read-ahead runs for. */
  public ReadAhead readAhead() {
    return interest;
  }

  public int chunkSize() {
    return store.chunkSize();
  }

  /** Whether this node already knows the object's meta (no origin round trip needed to answer). */
  public boolean knows(ObjectAddress address) {
    return store.meta(address.key()).isPresent();
  }

  /** What is stored about the object, or else learnt by filling chunk {@code hint} now. */
  public CompletionStage<ObjectMeta> meta(ObjectAddress address, long hint) {
    Optional<ObjectMeta> known = store.meta(address.key());
    if (known.isPresent()) {
      return CompletableFuture.completedFuture(known.get());
    }
    return ensure(address, null, hint);
  }

  /**
   * Completes when chunk {@code chunk} can be read (committed or being filled); fails with the
   * origin's error, or {@link ObjectChangedException} when the origin now has another revision.
   */
  public CompletionStage<ObjectMeta> prepare(ObjectAddress address, ObjectMeta meta, long chunk) {
    return ensure(address, meta, chunk)
        .thenApply(
            got -> {
              if (!got.version().equals(meta.version())) {
                throw new ObjectChangedException(meta.key(), meta.version(), got.version());
              }
              return got;
            });
  }

  /** For the transfer port: see {@link io.ispcache.peer.HeldChunks#await}. */
  public CompletionStage<Optional<ObjectMeta>> held(String key, String version, long chunk) {
    Optional<ObjectMeta> meta = store.meta(key).filter(m -> version == null || m.version().equals(version));
    if (meta.isPresent() && present(new ChunkId(key, meta.get().version(), chunk))) {
      return CompletableFuture.completedFuture(meta);
    }
    Optional<CompletionStage<ObjectMeta>> starting =
        fills.inFlight(new FillKey(key, version, chunk))
            .or(() -> meta.flatMap(m -> fills.inFlight(new FillKey(key, m.version(), chunk))))
            .or(() -> fills.inFlight(FillKey.discovering(key, chunk)));
    if (starting.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return starting.get().thenApply(
        m ->
            (version == null || m.version().equals(version))
                    && present(new ChunkId(key, m.version(), chunk))
                ? Optional.of(m)
                : Optional.<ObjectMeta>empty());
  }

  /**
   * The client's request relayed to the origin as it is ({@code forwarded}: its end-to-end header
   * fields), for an object the cache must not store or serve; fails with {@link RelayException}
   * carrying the origin's answer, as any relayed answer.
   */
  public CompletionStage<ObjectMeta> relay(
      ObjectAddress address, String method, java.util.List<java.util.Map.Entry<String, String>> forwarded) {
    return origin
        .relay(address.origin(), address.host(), method, address.pathAndQuery(), forwarded)
        .thenApplyAsync(
            reply -> {
              throw new RelayException(((OriginReply.Uncacheable) reply).response());
            },
            dispatcher);
  }

  /**
   * The client's request of another method than GET and HEAD forwarded to the origin with its
   * {@code body}; completes with the origin's answer to relay (any status), or fails with {@link
   * OriginException} when the origin did not answer.
   */
  public CompletionStage<akka.http.javadsl.model.HttpResponse> forward(
      ObjectAddress address,
      String method,
      java.util.List<java.util.Map.Entry<String, String>> forwarded,
      ByteString body) {
    return origin
        .forward(address.origin(), address.host(), method, address.pathAndQuery(), forwarded, body)
        .thenApplyAsync(reply -> ((OriginReply.Uncacheable) reply).response(), dispatcher);
  }

  /**
   * Drops the stored object under each of {@code keys}, as a successful unsafe request to its URI
   * requires (RFC 9111 §4.4): on this node before the stage completes, on the others as soon as
   * they hear of it. Deletes files: runs on the blocking-I/O executor; completes with the number
   * of objects this node dropped.
   */
  public CompletionStage<Integer> invalidate(java.util.Collection<String> keys) {
    long at = System.currentTimeMillis();
    // Every other node drops its copies too (best effort, see Invalidations), and each object's
    // entity forgets the copies it knows of, so no node is sent to a peer for the old bytes.
    invalidations.tell(new Invalidations.Spread(java.util.List.copyOf(keys), at));
    for (String key : keys) {
      sharding.entityRefFor(ContentObject.TYPE_KEY, key).tell(new ContentObject.Invalidated(selfNode));
      answers.forget(key);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          int dropped = 0;
          for (String key : keys) {
            dropped += store.purge(key, false, at).objects().size();
          }
          return dropped;
        },
        blockingIo);
  }

  /**
   * What the origin says of an object nobody asked this node for yet, learnt with a HEAD and kept
   * (the meta, no bytes); fails with {@link RelayException} when the origin's answer is not a
   * storable description of it.
   */
  public CompletionStage<ObjectMeta> head(ObjectAddress address) {
    return origin
        .head(address.origin(), address.host(), address.pathAndQuery())
        .thenApplyAsync(
            reply -> {
              if (reply instanceof OriginReply.Uncacheable u) {
                throw new RelayException(u.response());
              }
              OriginObject o = ((OriginReply.Bytes) reply).object();
              if (o.length() > address.origin().maxObjectSize()) {
                throw new OriginException(
                    OriginException.Kind.BAD_RESPONSE,
                    "upstream states " + o.length() + " bytes for " + address.key() + ", above the origin's max-object-size");
              }
              ObjectMeta meta = FillCoordinator.metaOf(address, o);
              Optional<ObjectMeta> current = store.meta(address.key());
              if (current.isPresent() && current.get().version().equals(meta.version())) {
                return current.get();
              }
              if (meta.length() > 0) {
                // What a HEAD says is kept for the GET that follows (its first chunk checks it);
                // an empty length is not, as a GET of it would then never ask the origin.
                store.putMeta(meta);
              }
              return meta;
            },
            blockingIo);
  }

  /**
   * The object as its origin has it now, for {@code stale}, a stored revision past its freshness
   * (or one the client wants validated): one conditional request per object across the cluster at
   * a time (the object's entity grants it; the other nodes wait for its answer) and one ask per
   * node. Completes with the revision confirmed (its fields and age renewed, every chunk kept) or
   * with the new revision, whose first chunk is then on its way; fails with the origin's failure,
   * or {@link RelayException} with its answer when it no longer serves a storable object there.
   */
  public CompletionStage<ObjectMeta> revalidate(ObjectAddress address, ObjectMeta stale, long notBefore) {
    return revalidations.join(address.key(), () -> validate(address, stale, notBefore));
  }

  /** This node's revalidation of the object, the one its other requests for it wait for. */
  private CompletionStage<ObjectMeta> validate(ObjectAddress address, ObjectMeta stale, long notBefore) {
    EntityRef<ContentObject.Command> entity = sharding.entityRefFor(ContentObject.TYPE_KEY, address.key());
    long now = System.nanoTime();
    if (silentEntities.silent(address.key(), now)) {
      // Its shard did not answer moments ago: validating for this node's clients matters more than coalescing.
      return askOrigin(entity, address, stale, false);
    }
    return Stages.plain(
            entity.<ContentObject.Revalidation>ask(
                reply -> new ContentObject.Revalidate(stale.version(), stale.validatedAtMillis(), notBefore, selfNode, reply),
                // the entity may wait for another node's origin answer before it answers
                asks.timeout(address.key(), now, origin.responseTimeout())),
            dispatcher)
        .handle((answer, error) -> {
          if (error != null) {
            // The entity is unreachable: validating for this node's clients matters more than coalescing.
            log.warn("object entity for {} did not answer; revalidating without it", address.key());
            if (FillCoordinator.timedOut(error)) {
              silentEntities.timedOut(address.key(), System.nanoTime());
            }
            return askOrigin(entity, address, stale, false);
          }
          silentEntities.answered(address.key(), System.nanoTime());
          if (answer instanceof ContentObject.Validated v) {
            if (v.meta() == null) {
              // The node that asked failed, or its lease moved on: nothing is known of the origin's
              // answer, so this node asks it itself rather than guess (serve stale, or fail).
              return askOrigin(entity, address, stale, false);
            }
            return adopt(stale, v.meta());
          }
          return askOrigin(entity, address, stale, true);
        })
        .thenCompose(stage -> stage);
  }

  /**
   * Another node's validation of the object, taken over here: the same revision confirmed, or
   * another one, which replaces {@code stale} only if this node still holds that. What the store
   * then holds answers (a fill of this node's may have moved on meanwhile).
   */
  private CompletionStage<ObjectMeta> adopt(ObjectMeta stale, ObjectMeta validated) {
    return CompletableFuture.supplyAsync(() -> {
      if (validated.version().equals(stale.version())) {
        store.revalidated(validated);
      } else {
        store.replaced(stale, validated);
      }
      return store.meta(validated.key()).orElse(validated);
    }, blockingIo);
  }

  /** The conditional request itself; with {@code granted}, its outcome goes to the entity too. */
  private CompletionStage<ObjectMeta> askOrigin(
      EntityRef<ContentObject.Command> entity, ObjectAddress address, ObjectMeta stale, boolean granted) {
    long size = store.chunkSize();
    long started = System.nanoTime();
    metrics.revalidation();
    metrics.originFetch();
    CompletionStage<ObjectMeta> outcome;
    try {
      OriginRequest request =
          new OriginRequest(
              address.origin(), address.host(), address.pathAndQuery(), 0, size - 1, stale.etag(), stale.lastModified(), address.forwarded());
      outcome =
          origin
              .fetch(request)
              .handleAsync(
                  (reply, error) -> {
                    if (error != null) {
                      metrics.originFetchFailed();
                      Throwable cause = FillCoordinator.unwrap(error);
                      if (cause instanceof io.ispcache.origin.UncacheableException) {
                        store.forget(address.key()); // the origin forbids storing it now
                      }
                      throw new CompletionException(cause);
                    }
                    return validatedBy(entity, address, stale, reply, started);
                  },
                  blockingIo);
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    if (granted) {
      outcome.whenComplete((m, e) -> entity.tell(new ContentObject.RevalidationDone(selfNode, e == null ? m : null)));
    }
    return outcome;
  }

  private ObjectMeta validatedBy(
      EntityRef<ContentObject.Command> entity, ObjectAddress address, ObjectMeta stale, OriginReply reply, long started) {
    if (reply instanceof OriginReply.NotModified nm) {
      if (nm.etag() != null && stale.etag() != null && !nm.etag().startsWith("W/") && !nm.etag().equals(stale.etag())) {
        // A 304 naming another strong validator does not confirm what is stored (RFC 9111 §4.3.4).
        store.forget(address.key());
        throw new ObjectChangedException(address.key(), stale.version(), "(304 for " + nm.etag() + ")");
      }
      metrics.revalidatedUnchanged();
      ObjectMeta confirmed =
          stale.validated(nm.headers(), nm.receivedAt(), io.ispcache.freshness.Freshness.initialAge(nm.headers(), nm.receivedAt()));
      if (!confirmed.headers().storable()) {
        // The confirmation made it private, no-store, or varying on what the node cannot match.
        store.forget(address.key());
        throw new io.ispcache.origin.UncacheableException(address.key());
      }
      store.revalidated(confirmed);
      return confirmed;
    }
    if (reply instanceof OriginReply.Uncacheable u) {
      int status = u.response().status().intValue();
      if (status == 404 || status == 410 || status >= 300 && status < 400) {
        store.forget(address.key()); // gone or moved: nothing stored answers for it any more
        answers.offer(address.key(), address.origin(), u.response(), System.currentTimeMillis());
      }
      // Anything else (403, 429, 5xx) says nothing of the object: it stays, and is relayed.
      throw new RelayException(u.response());
    }
    if (reply instanceof OriginReply.BeyondEnd) {
      store.forget(address.key());
      throw new ObjectChangedException(address.key(), stale.version(), "(shorter)");
    }
    OriginReply.Bytes bytes = (OriginReply.Bytes) reply;
    OriginObject o = bytes.object();
    ObjectMeta answered = FillCoordinator.metaOf(address, o);
    if (answered.version().equals(stale.version())) {
      // The origin ignored the condition but has the same revision: a confirmation with bytes.
      coordinator.discard(bytes);
      ObjectMeta confirmed = stale.validated(o.headers(), o.validatedAt(), o.initialAge());
      store.revalidated(confirmed);
      return confirmed;
    }
    // Another revision: it replaces the stored one (never spliced with its chunks), starting with
    // this chunk. An object without validators whose bytes changed at the same length cannot be
    // told apart from the stored one (its chunks carry the same revision name, so replacing them
    // in place could splice old and new bytes): it is taken as confirmed, as nginx and Varnish
    // without validators would also keep it.
    return coordinator.begin(FillCoordinator.Entity.of(entity, selfNode), address, null, 0, reply, started, null);
  }

  /**
   * The origin's fresh stored answer for an object it has no bytes for (a redirect, a 404), as
   * the client gets it; empty when none is kept or it went stale.
   */
  public Optional<akka.http.javadsl.model.HttpResponse> storedAnswer(ObjectAddress address) {
    return answers.fresh(address.key(), System.currentTimeMillis());
  }

  /** Drops the stored answers under a purged key prefix (the purge drops the stored objects). */
  public void purgeAnswers(String keyPrefix) {
    answers.forgetPrefix(keyPrefix);
  }

  /** The object's meta when this node knows it, without asking anyone. */
  public Optional<ObjectMeta> knownMeta(ObjectAddress address) {
    return store.meta(address.key());
  }

  /** Whether a drive takes new chunks (false: every drive's file system is short of space). */
  public boolean filling() {
    return store.filling();
  }

  /** Whether the chunk is committed on this node (its file complete and renamed). */
  public boolean isCommitted(ObjectMeta meta, long chunk) {
    return store.has(new ChunkId(meta.key(), meta.version(), chunk));
  }

  /** The committed chunk's file, open, or null when it is not stored here (any more). */
  public java.nio.channels.FileChannel openCommitted(ObjectMeta meta, long chunk) {
    return store.openCommitted(new ChunkId(meta.key(), meta.version(), chunk));
  }

  /** The committed chunk's bytes from memory (filled moments ago), or null. */
  public PieceReader memoryPieces(ObjectMeta meta, long chunk, long from, long to) {
    return store.memoryPieces(new ChunkId(meta.key(), meta.version(), chunk), from, to);
  }

  /**
   * Whether the chunk's latest fill on this node pulls (or pulled) its bytes from a peer node
   * rather than the origin: for a chunk the caller found missing, where its bytes come from.
   */
  public boolean pulledFromPeer(ObjectMeta meta, long chunk) {
    return coordinator.pulledFromPeer(new ChunkId(meta.key(), meta.version(), chunk));
  }

  /** Whether this node has every byte of the chunk (committed, or only its commit left). */
  public boolean isLocal(ObjectMeta meta, long chunk) {
    return store.hasAllBytes(new ChunkId(meta.key(), meta.version(), chunk));
  }

  /** Whether the chunk is committed here or a fill of it has begun. */
  public boolean isHeldOrFilling(ObjectMeta meta, long chunk) {
    return present(new ChunkId(meta.key(), meta.version(), chunk));
  }

  /** Whether the chunk was filled and no client was sent it yet: its first reader counts a miss. */
  public boolean unread(ObjectMeta meta, long chunk) {
    return store.unread(new ChunkId(meta.key(), meta.version(), chunk));
  }

  /** True for the first client reader of a chunk filled for it (it counts the bytes as missed). */
  public boolean claim(ObjectMeta meta, long chunk) {
    return store.claim(new ChunkId(meta.key(), meta.version(), chunk));
  }

  /** Told the size of each piece a reader is handed, and whether its chunk was held here (a hit) or fetched for it. */
  public interface Handed {
    void handed(boolean hit, int bytes);
  }

  /**
   * Bytes {@code [from, to)} of chunk {@code chunk}, each piece told to {@code handed} as it is
   * handed on; while this chunk is filled for the client the next ones (up to {@code lastWanted})
   * are fetched ahead.
   */
  public Source<ByteString, NotUsed> chunk(
      ObjectAddress address, ObjectMeta meta, long chunk, long from, long to, long lastWanted, Handed handed) {
    ChunkId id = new ChunkId(meta.key(), meta.version(), chunk);
    if (store.hasAllBytes(id)) {
      boolean hit = !store.claim(id); // the first reader of a chunk read ahead for it: a miss
      return store
          .read(id, from, to)
          .map(b -> {
            handed.handed(hit, b.size());
            return b;
          })
          // Evicted between the check and the open: nothing was sent yet, so fill it instead.
          .recoverWithRetries(
              1,
              new PFBuilder<Throwable, akka.stream.Graph<akka.stream.SourceShape<ByteString>, NotUsed>>()
                  .match(
                      ChunkMissingException.class,
                      e -> fillSource(address, meta, chunk, from, to, lastWanted, handed))
                  .build());
    }
    return fillSource(address, meta, chunk, from, to, lastWanted, handed);
  }

  /**
   * Bytes {@code [from, to)} of chunk {@code chunk} in pieces, once it is on its way (fetched for
   * this request, or joined); meanwhile the next chunks, up to {@code lastWanted}, are fetched
   * ahead. Fails with {@link ChunkMissingException} when the chunk was evicted before it could be
   * opened, and with {@link ObjectChangedException} when the origin has another revision now.
   */
  public CompletionStage<PieceReader> pieces(
      ObjectAddress address, ObjectMeta meta, long chunk, long from, long to, long lastWanted) {
    return onItsWay(address, meta, chunk, lastWanted)
        .thenCompose(id -> {
          store.claim(id); // this reader, a miss already, is the chunk's first
          return store.pieces(id, from, to);
        });
  }

  /**
   * Completes with the chunk's id once it is committed or its fill registered, under the revision
   * {@code meta} names (else fails with {@link ObjectChangedException}). The next chunks, up to
   * {@code lastWanted}, are asked for once this one is on its way: a cold client's first bytes do
   * not wait behind their entity asks, connections and files.
   */
  private CompletionStage<ChunkId> onItsWay(ObjectAddress address, ObjectMeta meta, long chunk, long lastWanted) {
    CompletionStage<ObjectMeta> ready = ensure(address, meta, chunk);
    ready.thenRun(
        () -> {
          for (long next = chunk + 1; next <= Math.min(lastWanted, chunk + readAhead); next++) {
            prefetch(address, meta, next);
          }
        });
    return ready.thenApply(
        got -> {
          if (!got.version().equals(meta.version())) {
            throw new ObjectChangedException(meta.key(), meta.version(), got.version());
          }
          return new ChunkId(meta.key(), meta.version(), chunk);
        });
  }

  /** Times a chunk evicted between its fill and its reader is fetched again for that reader. */
  private static final int EVICTED_REFILLS = 2;

  private Source<ByteString, NotUsed> fillSource(
      ObjectAddress address, ObjectMeta meta, long chunk, long from, long to, long lastWanted, Handed handed) {
    return fillSource(address, meta, chunk, from, to, lastWanted, handed, EVICTED_REFILLS);
  }

  private Source<ByteString, NotUsed> fillSource(
      ObjectAddress address, ObjectMeta meta, long chunk, long from, long to, long lastWanted, Handed handed, int refills) {
    return fillSource(address, meta, chunk, from, to, lastWanted, handed, refills, FILL_RESUMES);
  }

  /**
   * Times a fill that failed mid-chunk (the peer it pulled from died or stalled) is replaced for
   * one reader: the reader goes on from the byte it reached, in a new fill from another holder or
   * the origin, rather than cutting its response.
   */
  private static final int FILL_RESUMES = 2;

  private Source<ByteString, NotUsed> fillSource(
      ObjectAddress address, ObjectMeta meta, long chunk, long from, long to, long lastWanted, Handed handed, int refills,
      int resumes) {
    Source<ByteString, NotUsed> filled = Source.lazySource(
            () -> Source.completionStageSource(
                onItsWay(address, meta, chunk, lastWanted).thenApply(id -> store.read(id, from, to))))
        .map(b -> {
          handed.handed(false, b.size());
          return b;
        })
        .mapMaterializedValue(m -> NotUsed.getInstance());
    if (refills > 0) {
      // On a drive too small for the working set the chunk can be evicted before this reader
      // opens it; nothing was sent yet, so fetch it again.
      filled = filled.recoverWithRetries(
          1,
          new PFBuilder<Throwable, akka.stream.Graph<akka.stream.SourceShape<ByteString>, NotUsed>>()
              .match(ChunkMissingException.class, e -> fillSource(address, meta, chunk, from, to, lastWanted, handed, refills - 1, resumes))
              .build());
    }
    if (resumes == 0) {
      return filled;
    }
    Source<ByteString, NotUsed> once = filled;
    return Source.lazySource(
            () -> {
              long[] sent = {0}; // per materialization: this reader's progress in the chunk
              return once.map(b -> {
                    sent[0] += b.size();
                    return b;
                  })
                  .recoverWithRetries(
                      1,
                      new PFBuilder<Throwable, akka.stream.Graph<akka.stream.SourceShape<ByteString>, NotUsed>>()
                          .match(
                              java.io.IOException.class,
                              e -> from + sent[0] < to,
                              e -> {
                                log.info("chunk {} of {} failed after {} bytes for a reader; going on from a new fill: {}",
                                    chunk, address.key(), sent[0], e.getMessage());
                                return fillSource(address, meta, chunk, from + sent[0], to, lastWanted, handed, refills, resumes - 1);
                              })
                          .build());
            })
        .mapMaterializedValue(m -> NotUsed.getInstance());
  }

  /**
   * Fetches the chunk ahead of its reader while a response of this node is open for the object;
   * the fill is given up if they all close before it ends and nobody reads it (see {@link ReadAhead}).
   */
  private void prefetch(ObjectAddress address, ObjectMeta meta, long chunk) {
    ChunkId id = new ChunkId(meta.key(), meta.version(), chunk);
    if (leaving || !interest.wanted(meta.key()) || store.has(id) || store.fillInProgress(id).isPresent()) {
      return;
    }
    ensure(address, meta, chunk)
        .whenComplete(
            (m, e) -> {
              if (e != null) {
                log.debug("read-ahead of chunk {} of {} failed: {}", chunk, address.key(), e.toString());
                return;
              }
              store.fillInProgress(id).ifPresent(
                  fill -> interest.began(meta.key(), () -> abandon(fill), fill.committed()));
            });
  }

  /** Off the caller's thread (a content server's event loop): an abort closes and deletes a file. */
  private void abandon(ChunkFill fill) {
    blockingIo.execute(() -> {
      if (fill.abandon(new ReadAheadAbandonedException(fill.id().key(), fill.id().index()))) {
        metrics.readAheadAbandoned();
      }
    });
  }

  /**
   * Completes once chunk {@code chunk} is committed or its fill is registered in the store (so
   * {@link ChunkStore#read} finds it), with the object's current meta.
   */
  CompletionStage<ObjectMeta> ensure(ObjectAddress address, ObjectMeta known, long chunk) {
    return ensure(address, known, chunk, false);
  }

  /**
   * For the transfer port, as the stand-in coordinator another node chose for a lost entity's
   * chunk: completes with the meta once the chunk is committed or being filled here, filling it
   * now if needed (without handing it on to another stand-in), or empty if that failed.
   */
  public CompletionStage<Optional<ObjectMeta>> fillForPeer(ObjectAddress address, long chunk) {
    return ensure(address, store.meta(address.key()).orElse(null), chunk, true)
        .thenApply(m -> present(new ChunkId(m.key(), m.version(), chunk)) ? Optional.of(m) : Optional.<ObjectMeta>empty())
        .exceptionally(e -> Optional.empty());
  }

  /** {@code standIn}: this node was chosen to fill the chunk for the others: it fills it itself. */
  private CompletionStage<ObjectMeta> ensure(ObjectAddress address, ObjectMeta known, long chunk, boolean standIn) {
    if (known != null && present(new ChunkId(known.key(), known.version(), chunk))) {
      return CompletableFuture.completedFuture(known);
    }
    if (known != null) {
      // The same chunk may be on its way as another request's discovery of the object: join it.
      Optional<CompletionStage<ObjectMeta>> discovering = fills.inFlight(FillKey.discovering(address.key(), chunk));
      if (discovering.isPresent()) {
        metrics.coalescedWait();
        return discovering.get().thenCompose(
            m -> m.version().equals(known.version()) ? ensure(address, known, chunk, standIn) : CompletableFuture.completedFuture(m));
      }
    }
    FillKey slot = new FillKey(address.key(), known == null ? null : known.version(), chunk);
    return fills.join(slot, () -> {
      // A fill registers in the store before it leaves its slot, so whoever takes the slot after
      // that sees the fill here and must not start another one.
      ObjectMeta now = known != null ? known : store.meta(address.key()).orElse(null);
      if (now != null && present(new ChunkId(now.key(), now.version(), chunk))) {
        return CompletableFuture.completedFuture(now);
      }
      if (known == null && now != null) {
        // The meta became known meanwhile and this chunk may already be starting under it: this
        // discovery follows that fill, and leaves its slot to the next one at once.
        Optional<CompletionStage<ObjectMeta>> versioned = fills.inFlight(new FillKey(address.key(), now.version(), chunk));
        if (versioned.isPresent()) {
          fills.forget(slot);
          metrics.coalescedWait();
          return versioned.get();
        }
      }
      return coordinator.start(address, known, chunk, standIn);
    });
  }

  private boolean present(ChunkId id) {
    return store.has(id) || store.fillInProgress(id).isPresent();
  }
}
