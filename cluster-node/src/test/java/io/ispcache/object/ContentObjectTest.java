package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.ConfigFactory;
import io.ispcache.peer.PeerNode;
import java.time.Duration;
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
                        + "akka.remote.artery.canonical.port = 0\n"
                        + "akka.remote.artery.canonical.hostname = 127.0.0.1\n")
                .withFallback(ConfigFactory.load()));
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
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
}
