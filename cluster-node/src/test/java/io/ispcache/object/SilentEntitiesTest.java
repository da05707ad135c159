package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SilentEntitiesTest {
  static final long S = 1_000_000_000L;
  static final int SHARDS = 1000;

  /** A key of another shard than {@code key}'s. */
  static String otherShard(SilentEntities silent, String key) {
    return IntStream.range(0, 100).mapToObj(i -> "o" + i).filter(k -> silent.shard(k) != silent.shard(key)).findFirst().orElseThrow();
  }

  /** A different key in the same shard as {@code key}. */
  static String sameShard(SilentEntities silent, String key) {
    return IntStream.range(0, 1_000_000).mapToObj(i -> "s" + i).filter(k -> silent.shard(k) == silent.shard(key)).findFirst().orElseThrow();
  }

  @Test
  void anEntityThatTimedOutIsSkippedForTheWindowThenAskedAgain() {
    SilentEntities silent = new SilentEntities(Duration.ofSeconds(5), SHARDS);
    long t = 123 * S;
    assertFalse(silent.silent("k", t));
    silent.timedOut("k", t);
    assertTrue(silent.silent("k", t + 4 * S));
    assertFalse(silent.silent(otherShard(silent, "k"), t + S), "only that entity's shard");
    assertFalse(silent.silent("k", t + 5 * S), "its window is over: ask again");
    assertFalse(silent.silent("k", t + 6 * S));
  }

  @Test
  void oneSilentEntityStandsForEveryObjectOfItsShard() {
    SilentEntities silent = new SilentEntities(Duration.ofSeconds(5), SHARDS);
    String neighbour = sameShard(silent, "k");
    silent.timedOut("k", 0);
    assertTrue(silent.silent(neighbour, S), "its entity lives on the same lost node: not asked either");
    silent.answered(neighbour, S);
    assertFalse(silent.silent("k", S), "an answer from the shard ends the window for all of it");
  }

  @Test
  void shardsAreClusterShardingsDefaultOnes() {
    SilentEntities silent = new SilentEntities(Duration.ofSeconds(5), SHARDS);
    for (String key : new String[] {"k", "origin.example.net/a/b.bin", "\u00e9t\u00e9", ""}) {
      assertEquals(
          Integer.parseInt(new akka.cluster.sharding.typed.HashCodeNoEnvelopeMessageExtractor<String>(SHARDS) {
            @Override
            public String entityId(String message) {
              return message;
            }
          }.shardId(key)),
          silent.shard(key));
    }
  }

  @Test
  void windowsWorkAcrossTheNanoTimeWrap() {
    SilentEntities silent = new SilentEntities(Duration.ofSeconds(5), SHARDS);
    long t = Long.MAX_VALUE - S;
    silent.timedOut("k", t);
    assertTrue(silent.silent("k", t + 2 * S));
    assertFalse(silent.silent("k", t + 6 * S));
  }

  @Test
  void asksOfAShardThatAnsweredLatelyOrWhileTheClusterIsUnsettledAreShort() {
    Duration full = Duration.ofSeconds(5);
    Duration answering = Duration.ofSeconds(1);
    Duration afterLoss = Duration.ofMillis(500);
    EntityAsks asks = new EntityAsks(full, answering, afterLoss, SHARDS);
    long t = System.nanoTime();
    assertEquals(full, asks.timeout("k", t), "an entity that may be starting gets the full wait");
    asks.silent().answered("k", t);
    assertEquals(answering, asks.timeout("k", t + S), "its node was alive a moment ago: silence now means it is lost");
    assertEquals(answering, asks.timeout(sameShard(asks.silent(), "k"), t + S), "the same for every entity of the shard");
    assertEquals(full, asks.timeout(otherShard(asks.silent(), "k"), t + S));
    assertEquals(full, asks.timeout("k", t + EntityAsks.WARM.toNanos() + S), "not heard of for a minute: it may be starting again");
    asks.memberLost(t);
    assertEquals(afterLoss, asks.timeout(otherShard(asks.silent(), "k"), t + S), "a member lost: its shards answer nothing until they move");
    assertEquals(afterLoss.toMillis(), asks.timeout("k", t + S, Duration.ofSeconds(15)).toMillis(), "not even for a revalidation");
    assertEquals(full, asks.timeout(otherShard(asks.silent(), "k"), t + EntityAsks.SETTLE.toNanos() + S), "settled again");
  }
}
