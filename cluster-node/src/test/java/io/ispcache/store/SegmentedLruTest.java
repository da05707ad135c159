package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentedLruTest {
  private static List<String> drain(SegmentedLru<String> lru) {
    List<String> order = new ArrayList<>();
    for (String k = lru.evict(); k != null; k = lru.evict()) {
      order.add(k);
    }
    return order;
  }

  @Test
  void emptyOrderHasNoVictim() {
    assertNull(new SegmentedLru<String>(100, 0.8).evict());
  }

  @Test
  void unreadChunksLeaveOldestFirst() {
    SegmentedLru<String> lru = new SegmentedLru<>(100, 0.8);
    lru.add("a", 10);
    lru.add("b", 10);
    lru.add("c", 10);
    assertEquals(List.of("a", "b", "c"), drain(lru));
  }

  @Test
  void chunkReadAgainOutlivesChunksReadOnce() {
    SegmentedLru<String> lru = new SegmentedLru<>(100, 0.8);
    lru.add("popular", 10);
    lru.touch("popular");
    for (int i = 0; i < 5; i++) {
      lru.add("scan" + i, 10);
    }
    assertEquals(List.of("scan0", "scan1", "scan2", "scan3", "scan4", "popular"), drain(lru));
  }

  @Test
  void protectedSegmentOverflowDemotesItsLeastRecentToProbation() {
    SegmentedLru<String> lru = new SegmentedLru<>(100, 0.2); // protected holds 20 bytes
    lru.add("a", 10);
    lru.add("b", 10);
    lru.add("c", 10);
    lru.touch("a");
    lru.touch("b");
    lru.touch("c"); // a is demoted to the most recent end of probation
    lru.add("d", 10);
    assertEquals(List.of("a", "d", "b", "c"), drain(lru));
  }

  @Test
  void touchInProtectedRefreshesRecency() {
    SegmentedLru<String> lru = new SegmentedLru<>(100, 0.8);
    lru.add("a", 10);
    lru.add("b", 10);
    lru.touch("a");
    lru.touch("b");
    lru.touch("a");
    assertEquals(List.of("b", "a"), drain(lru));
  }

  @Test
  void removedChunkIsNeverAVictimAndFreesProtectedRoom() {
    SegmentedLru<String> lru = new SegmentedLru<>(100, 0.2);
    lru.add("a", 10);
    lru.add("b", 10);
    lru.touch("a");
    lru.touch("b");
    lru.remove("a");
    lru.add("c", 10);
    lru.touch("c"); // fits beside b because a's bytes were released
    lru.add("d", 10);
    assertEquals(3, lru.size());
    assertEquals(List.of("d", "b", "c"), drain(lru));
  }

  @Test
  void touchOfUnknownChunkChangesNothing() {
    SegmentedLru<String> lru = new SegmentedLru<>(100, 0.8);
    lru.add("a", 10);
    lru.touch("ghost");
    lru.remove("ghost");
    assertEquals(List.of("a"), drain(lru));
  }

  @Test
  void addingAProtectedChunkAgainKeepsItProtected() {
    SegmentedLru<String> lru = new SegmentedLru<>(100, 0.8);
    lru.add("a", 10);
    lru.touch("a");
    lru.add("b", 10);
    lru.add("a", 10);
    assertEquals(List.of("b", "a"), drain(lru));
  }
}
