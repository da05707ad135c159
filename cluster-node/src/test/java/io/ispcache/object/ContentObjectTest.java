package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.ConfigFactory;
import io.ispcache.peer.PeerNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The entity's grant protocol: one origin fetch per chunk cluster-wide, then peers. */
class ContentObjectTest {
  static ActorTestKit testKit;
  static String self;
  static String departed;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            ConfigFactory.parseString(
                    "akka.actor.provider = cluster\n"
                        // every message to the entity is serialized and read back, as across the network
                        + "akka.actor.serialize-messages = on\n"
                        + "akka.remote.artery.canonical.port = 0\n"
                        + "akka.remote.artery.canonical.hostname = 127.0.0.1\n")
                .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    // Grants go only to live members: the tests start once this node is one.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .until(() -> cluster.selfMember().status() == akka.cluster.MemberStatus.up());
    self = new PeerNode(cluster.selfMember().address().toString(), "127.0.0.1", 7001).id();
    // Same address family, but a member this cluster never had.
    departed = new PeerNode("akka://" + testKit.system().name() + "@127.0.0.1:1", "127.0.0.1", 7002).id();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static ContentObject.Grant ask(ActorRef<ContentObject.Command> entity, long chunk, String node) {
    TestProbe<ContentObject.Grant> probe = testKit.createTestProbe();
    entity.tell(new ContentObject.Acquire(chunk, node, probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void firstAskerFetchesFromOriginAndOthersArePointedAtIt() {
    var entity = testKit.spawn(ContentObject.create("k1", Duration.ofMinutes(1)));
    String other = self.replace("7001", "7003");

    assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, self));
    assertEquals(new ContentObject.FromPeer(self), ask(entity, 0, other));
    assertEquals(new ContentObject.FromOrigin(), ask(entity, 1, other), "another chunk is free");
  }

  /** A node's chunk index that answers with {@code answer} (or never, for null), registered. */
  static ActorRef<ChunkIndex.Query> index(java.util.function.Function<String, ChunkIndex.Holdings> answer) {
    return testKit.spawn(
        Behaviors.setup(
            c -> {
              c.getSystem().receptionist().tell(Receptionist.register(ChunkIndex.KEY, c.getSelf()));
              return Behaviors.<ChunkIndex.Query>receiveMessage(
                  q -> {
                    ChunkIndex.Holdings h = answer.apply(q.key());
                    if (h != null) {
                      q.replyTo().tell(h);
                    }
                    return Behaviors.same();
                  });
            }));
  }

  static void awaitIndexes(int count) {
    TestProbe<Receptionist.Listing> listed = testKit.createTestProbe();
    listed.awaitAssert(
        () -> {
          testKit.system().receptionist().tell(Receptionist.find(ChunkIndex.KEY, listed.getRef()));
          assertEquals(count, listed.receiveMessage().getServiceInstances(ChunkIndex.KEY).size());
          return null;
        });
  }

  /** Runs {@code body} while one registered chunk index per answer is up, then removes them. */
  @SafeVarargs
  static void withIndexes(Runnable body, java.util.function.Function<String, ChunkIndex.Holdings>... answers) {
    List<ActorRef<ChunkIndex.Query>> indexes = java.util.Arrays.stream(answers).map(ContentObjectTest::index).toList();
    awaitIndexes(indexes.size());
    try {
      body.run();
    } finally {
      for (ActorRef<ChunkIndex.Query> i : indexes) {
        testKit.system().receptionist().tell(Receptionist.deregister(ChunkIndex.KEY, i));
        testKit.stop(i);
      }
      awaitIndexes(0);
    }
  }

  @Test
  void aStartingEntityLearnsFromTheNodesChunkIndexesWhatTheClusterHolds() {
    String other = self.replace("7001", "7004");
    String empty = self.replace("7001", "7005");
    withIndexes(
        () -> {
          var entity = testKit.spawn(ContentObject.create("k-surveyed", Duration.ofMinutes(1)));
          assertEquals(new ContentObject.FromPeer(other), ask(entity, 0, self), "held by a node");
          assertEquals(new ContentObject.FromPeer(other), ask(entity, 1, self), "being filled by a node");
          assertEquals(new ContentObject.FromPeer(other), ask(entity, 2, self));
          assertEquals(new ContentObject.FromOrigin(), ask(entity, 3, self), "nobody has it");
        },
        k -> new ChunkIndex.Holdings(other, "v1", List.of(0L, 2L), List.of(1L)),
        // A node that knows an older revision but holds nothing of it has no say.
        k -> new ChunkIndex.Holdings(empty, "v0", List.of(), List.of()));
  }

  @Test
  void nodesHoldingDifferentRevisionsLeaveTheStartingEntityWithAnEmptyDirectory() {
    String a = self.replace("7001", "7006");
    String b = self.replace("7001", "7007");
    withIndexes(
        () -> {
          var entity = testKit.spawn(ContentObject.create("k-split", Duration.ofMinutes(1)));
          assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, self), "the origin settles the revision");
        },
        k -> new ChunkIndex.Holdings(a, "v1", List.of(0L), List.of()),
        k -> new ChunkIndex.Holdings(b, "v2", List.of(0L), List.of()));
  }

  @Test
  void anEntityStoppedDuringItsSurveyStillAnswersWhatWaited() {
    withIndexes(
        () -> {
          var entity = testKit.spawn(ContentObject.create("k-stopped", Duration.ofMinutes(1)));
          TestProbe<ContentObject.Grant> waiting = testKit.createTestProbe();
          entity.tell(new ContentObject.Acquire(0, self, waiting.getRef()));
          entity.tell(new ContentObject.Stop());
          assertEquals(new ContentObject.FromOrigin(), waiting.receiveMessage());
        },
        k -> null); // a node that never answers keeps the entity in its survey
  }

  @Test
  void holderIsPreferredOnceFilled() {
    var entity = testKit.spawn(ContentObject.create("k2", Duration.ofMinutes(1)));
    String other = self.replace("7001", "7003");
    ask(entity, 0, self);
    entity.tell(new ContentObject.Filled(0, "v1", self));

    assertEquals(new ContentObject.FromPeer(self), ask(entity, 0, other));
  }

  @Test
  void failedPeerIsForgottenAndTheAskerFetchesFromOrigin() {
    var entity = testKit.spawn(ContentObject.create("k3", Duration.ofMinutes(1)));
    String other = self.replace("7001", "7003");
    ask(entity, 0, self);
    entity.tell(new ContentObject.Filled(0, "v1", self));
    entity.tell(new ContentObject.PeerFailed(0, self));

    assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, other));
  }

  @Test
  void releasedOrExpiredLeaseIsGrantedAgain() {
    var entity = testKit.spawn(ContentObject.create("k4", Duration.ofMinutes(1)));
    String other = self.replace("7001", "7003");
    ask(entity, 0, self);
    entity.tell(new ContentObject.Released(0, self));
    assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, other));

    var expiring = testKit.spawn(ContentObject.create("k5", Duration.ZERO));
    ask(expiring, 0, self);
    assertEquals(new ContentObject.FromOrigin(), ask(expiring, 0, other));
  }

  @Test
  void copiesOnDepartedMembersAreIgnored() {
    var entity = testKit.spawn(ContentObject.create("k6", Duration.ofMinutes(1)));
    entity.tell(new ContentObject.Filled(0, "v1", departed));

    assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, self));
  }

  @Test
  void newVersionForgetsCopiesOfTheOldOne() {
    var entity = testKit.spawn(ContentObject.create("k7", Duration.ofMinutes(1)));
    String other = self.replace("7001", "7003");
    entity.tell(new ContentObject.Filled(0, "v1", other));
    entity.tell(new ContentObject.Filled(1, "v2", self));

    assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, self));
  }

  @Test
  void nodeThatPurgedTheObjectIsNoLongerAHolderOrFillerOthersStay() {
    var entity = testKit.spawn(ContentObject.create("k8", Duration.ofMinutes(1)));
    String other = self.replace("7001", "7003");
    String third = self.replace("7001", "7004");
    entity.tell(new ContentObject.Filled(0, "v1", self));
    entity.tell(new ContentObject.Filled(1, "v1", third));
    assertEquals(new ContentObject.FromOrigin(), ask(entity, 2, self), "self fills chunk 2");

    entity.tell(new ContentObject.Forgotten("v1", self));

    assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, other));
    assertEquals(new ContentObject.FromPeer(third), ask(entity, 1, other), "a node that has not purged yet still holds it");
    assertEquals(new ContentObject.FromOrigin(), ask(entity, 2, other), "the purged node's fill is not waited for");
  }

  @Test
  void anInvalidatedObjectSendsNobodyToTheCopiesOrFillsItKnew() {
    var entity = testKit.spawn(ContentObject.create("k9", Duration.ofMinutes(1)));
    String other = self.replace("7001", "7003");
    String third = self.replace("7001", "7005");
    entity.tell(new ContentObject.Filled(0, "v1", other));
    assertEquals(new ContentObject.FromOrigin(), ask(entity, 1, third), "third fills chunk 1");

    entity.tell(new ContentObject.Invalidated(self));

    assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, self), "not the peer's copy of the old bytes");
    assertEquals(new ContentObject.FromOrigin(), ask(entity, 1, other), "nor a fill begun before the change");
  }

  static ContentObject.Revalidation revalidate(ActorRef<ContentObject.Command> entity, String version, long validatedAt, long notBefore, String node) {
    TestProbe<ContentObject.Revalidation> probe = testKit.createTestProbe();
    entity.tell(new ContentObject.Revalidate(version, validatedAt, notBefore, node, probe.getRef()));
    return probe.receiveMessage();
  }

  @Test
  void oneNodeRevalidatesAtATimeAndTheOthersGetItsAnswer() {
    var entity = testKit.spawn(ContentObject.create("k-revalidate", Duration.ofMinutes(1)));
    String other = self.replace("7001", "7005");
    io.ispcache.store.ObjectMeta stale = new io.ispcache.store.ObjectMeta("k-revalidate", 10, "\"e\"", null, null, 1_000);
    TestProbe<ContentObject.Revalidation> waiting = testKit.createTestProbe();

    assertEquals(new ContentObject.YouRevalidate(), revalidate(entity, stale.version(), 1_000, 0, self));
    entity.tell(new ContentObject.Revalidate(stale.version(), 1_000, 0, other, waiting.getRef()));
    waiting.expectNoMessage(Duration.ofMillis(100));
    io.ispcache.store.ObjectMeta confirmed = stale.validated(io.ispcache.freshness.ResponseHeaders.EMPTY, 5_000, 0);
    entity.tell(new ContentObject.RevalidationDone(self, confirmed));

    assertEquals(new ContentObject.Validated(confirmed), waiting.receiveMessage());
  }

  @Test
  void aNewerValidationIsHandedOutOnlyWhileTheAskerMayStillUseIt() {
    var entity = testKit.spawn(ContentObject.create("k-not-before", Duration.ofMinutes(1)));
    io.ispcache.store.ObjectMeta stale = new io.ispcache.store.ObjectMeta("k-not-before", 10, "\"e\"", null, null, 1_000);
    assertEquals(new ContentObject.YouRevalidate(), revalidate(entity, stale.version(), 1_000, 0, self));
    io.ispcache.store.ObjectMeta confirmed = stale.validated(io.ispcache.freshness.ResponseHeaders.EMPTY, 5_000, 0);
    entity.tell(new ContentObject.RevalidationDone(self, confirmed));

    assertEquals(new ContentObject.Validated(confirmed), revalidate(entity, stale.version(), 1_000, 4_000, self),
        "validated at 5000, usable from 4000 on: handed out");
    assertEquals(new ContentObject.YouRevalidate(), revalidate(entity, stale.version(), 1_000, 6_000, self),
        "too old for this request: the asker validates itself");
  }

  @Test
  void aPopularChunksAskersAreSpreadOverItsHoldersNotAllSentToTheFirst() {
    var entity = testKit.spawn(ContentObject.create("k-spread", Duration.ofMinutes(1)));
    List<String> holders = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      holders.add(self.replace("7001", Integer.toString(7100 + i)));
    }
    assertEquals(new ContentObject.FromOrigin(), ask(entity, 0, holders.get(0)));
    for (String h : holders) {
      entity.tell(new ContentObject.Filled(0, "v1", h));
    }
    java.util.Map<String, Integer> served = new java.util.HashMap<>();
    for (int asker = 0; asker < 400; asker++) {
      ContentObject.Grant g = ask(entity, 0, self.replace("7001", Integer.toString(8000 + asker)));
      served.merge(((ContentObject.FromPeer) g).node(), 1, Integer::sum);
    }
    assertEquals(java.util.Set.copyOf(holders), served.keySet(), "every holder serves some: " + served);
    for (int n : served.values()) {
      org.junit.jupiter.api.Assertions.assertTrue(n >= 60 && n <= 140, "about 100 askers each: " + served);
    }
  }
}
