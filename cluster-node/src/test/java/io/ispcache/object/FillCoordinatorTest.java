package io.ispcache.object;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.origin.HostPattern;
import io.ispcache.origin.Origin;
import io.ispcache.origin.OriginObject;
import io.ispcache.origin.OriginReply;
import io.ispcache.origin.OriginRequest;
import io.ispcache.peer.PeerChunk;
import io.ispcache.store.ChunkId;
import io.ispcache.store.ChunkStore;
import io.ispcache.store.DriveSettings;
import io.ispcache.store.ObjectMeta;
import io.ispcache.store.StoreSettings;
import io.ispcache.testing.TestContent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One chunk's fill, entity → peer → origin, with a fake entity, peers and origin and a real store. */
class FillCoordinatorTest {
  private static final int CHUNK = 64 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SELF = "self";
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Materializer mat = Materializer.matFromSystem(kit.system());

  private final Origin origin = new Origin("test", List.of(new HostPattern("*.example.com")), Optional.empty(), Optional.empty(), true, false);
  private final ObjectAddress address = new ObjectAddress(origin, "a.example.com", "/o.bin", "test/o.bin");
  /** Three chunks, the last one short. */
  private final OriginObject object = new OriginObject(2L * CHUNK + 100, "\"v1\"", null, "application/octet-stream");
  private final ObjectMeta meta = FillCoordinator.metaOf(address, object);

  private final ExecutorService io = Executors.newFixedThreadPool(2);
  private final FakeEntity entity = new FakeEntity();
  private final FakeOrigin origins = new FakeOrigin();
  private final FakePeers peers = new FakePeers();
  private final FakeStandIns standIns = new FakeStandIns();
  private final EntityAsks asks = new EntityAsks(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(500), 100);
  private ChunkStore store;
  private FillCoordinator fills;

  @BeforeEach
  void start(@TempDir Path dir) throws IOException {
    store = ChunkStore.open(new StoreSettings(List.of(new DriveSettings(dir, 64L << 20)), CHUNK, 1024), io);
    store.putMeta(meta);
    fills = new FillCoordinator(
        store, origins, peers, key -> entity, asks, standIns, new StoredAnswers(1 << 20, 100), new NodeMetrics(),
        SELF, mat, kit.system().executionContext(), io);
  }

  @AfterEach
  void stop() {
    store.close();
    io.shutdownNow();
  }

  @AfterAll
  static void shutDown() {
    kit.shutdownTestKit();
  }

  @Test
  void aGrantFromAPeerPullsTheChunkFromThatPeer() throws Exception {
    entity.grants.add(CompletableFuture.completedFuture(new ContentObject.FromPeer("peer-b")));

    assertEquals(meta.version(), started(1).version());

    assertEquals(List.of("peer-b 1 " + meta.version() + " coordinated"), List.copyOf(peers.pulls));
    assertTrue(origins.requests.isEmpty(), "the origin is not asked");
    assertEquals(chunkBytes(1), committed(1));
    await().atMost(WAIT).until(() -> entity.told.contains(new ContentObject.Filled(1, meta.version(), SELF)));
    assertTrue(fills.pulledFromPeer(id(1)));
  }

  @Test
  void aFailedPullIsReportedAndTheChunkAskedForAgain() throws Exception {
    entity.grants.add(CompletableFuture.completedFuture(new ContentObject.FromPeer("peer-b")));
    entity.grants.add(CompletableFuture.completedFuture(new ContentObject.FromOrigin()));
    peers.failing = true;

    started(0);

    assertEquals(2, entity.asked.get(), "asked again after the pull failed");
    assertTrue(entity.told.contains(new ContentObject.PeerFailed(0, "peer-b")), "the entity hears of the failed peer");
    assertEquals(List.of("0-" + (CHUNK - 1)), List.copyOf(origins.requests));
    assertEquals(chunkBytes(0), committed(0));
    await().atMost(WAIT).until(() -> entity.told.contains(new ContentObject.Filled(0, meta.version(), SELF)));
    assertFalse(fills.pulledFromPeer(id(0)));
  }

  @Test
  void pullsThatKeepFailingEndAtTheOriginWhateverTheEntityGrants() throws Exception {
    for (int i = 0; i < 3; i++) {
      entity.grants.add(CompletableFuture.completedFuture(new ContentObject.FromPeer("peer-" + i)));
    }
    peers.failing = true;

    started(2);

    assertEquals(2, peers.pulls.size(), "two peers tried");
    assertEquals(List.of(2L * CHUNK + "-" + (2L * CHUNK + 99)), List.copyOf(origins.requests));
    assertEquals(chunkBytes(2), committed(2));
  }

  @Test
  void anAskThatTimesOutMarksTheShardSilentAndTheChunkIsFilledWithoutTheEntity() throws Exception {
    entity.grants.add(CompletableFuture.failedFuture(new TimeoutException("ask timed out")));
    standIns.node = SELF;

    started(0);

    assertEquals(List.of("0-" + (CHUNK - 1)), List.copyOf(origins.requests), "this node, the stand-in, asked the origin");
    assertEquals(chunkBytes(0), committed(0));
    assertTrue(asks.silent().silent(address.key(), System.nanoTime()), "the shard is silent");

    // The next chunk of a silent shard is not asked for: its stand-in, another node, is pulled from.
    standIns.node = "peer-c";
    started(1);
    assertEquals(1, entity.asked.get(), "no second ask");
    assertEquals(List.of("peer-c 1 " + meta.version() + " stand-in"), List.copyOf(peers.pulls));
    assertEquals(chunkBytes(1), committed(1));
  }

  private ObjectMeta started(long chunk) throws Exception {
    return fills.start(address, meta, chunk, false).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private ChunkId id(long chunk) {
    return new ChunkId(meta.key(), meta.version(), chunk);
  }

  /** The chunk's bytes once it is committed, as a reader gets them. */
  private ByteString committed(long chunk) throws Exception {
    await().atMost(WAIT).until(() -> store.has(id(chunk)));
    int length = length(chunk);
    return store.read(id(chunk), 0, length)
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat)
        .toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private int length(long chunk) {
    return (int) Math.min(CHUNK, object.length() - chunk * CHUNK);
  }

  /** The object's bytes of the chunk, the same from every peer and the origin. */
  private ByteString chunkBytes(long chunk) {
    return ByteString.fromArrayUnsafe(TestContent.bytes(7, chunk * CHUNK, length(chunk)));
  }

  private final class FakeEntity implements FillCoordinator.Entity {
    final Queue<CompletableFuture<ContentObject.Grant>> grants = new ConcurrentLinkedQueue<>();
    final Queue<ContentObject.Command> told = new ConcurrentLinkedQueue<>();
    final AtomicInteger asked = new AtomicInteger();

    @Override
    public CompletionStage<ContentObject.Grant> acquire(long chunk, Duration timeout) {
      asked.incrementAndGet();
      CompletableFuture<ContentObject.Grant> next = grants.poll();
      return next != null ? next : CompletableFuture.failedFuture(new AssertionError("asked more often than scripted"));
    }

    @Override
    public void tell(ContentObject.Command message) {
      told.add(message);
    }
  }

  private final class FakeOrigin implements FillCoordinator.Origins {
    final Queue<String> requests = new ConcurrentLinkedQueue<>();

    @Override
    public CompletionStage<OriginReply> fetch(OriginRequest request) {
      requests.add(request.first() + "-" + request.last());
      long last = Math.min(request.last(), object.length() - 1);
      return CompletableFuture.completedFuture(new OriginReply.Bytes(object, request.first(), last, body(request.first() / CHUNK)));
    }
  }

  private final class FakePeers implements FillCoordinator.Peers {
    final Queue<String> pulls = new ConcurrentLinkedQueue<>();
    volatile boolean failing;

    @Override
    public CompletionStage<PeerChunk> pull(String peer, ObjectAddress address, long chunk, String version, boolean standIn) {
      pulls.add(peer + " " + chunk + " " + version + (standIn ? " stand-in" : " coordinated"));
      if (failing) {
        return CompletableFuture.failedFuture(new IOException("connection refused by " + peer));
      }
      return CompletableFuture.completedFuture(new PeerChunk(object, body(chunk)));
    }
  }

  private static final class FakeStandIns implements FillCoordinator.StandIns {
    volatile String node = SELF;

    @Override
    public String standIn(String key, long chunk) {
      return node;
    }

    @Override
    public void failed(String node) {}
  }

  private Source<ByteString, akka.NotUsed> body(long chunk) {
    ByteString bytes = chunkBytes(chunk);
    return Source.from(List.of(bytes.slice(0, bytes.size() / 2), bytes.slice(bytes.size() / 2, bytes.size())));
  }
}
