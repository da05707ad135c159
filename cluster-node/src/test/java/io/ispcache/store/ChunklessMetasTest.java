package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunklessMetasTest {
  @Test
  void theOldestArePushedOutBeyondTheBound() {
    ChunklessMetas metas = new ChunklessMetas(2);
    assertEquals(List.of(), metas.note("a", "1"));
    assertEquals(List.of(), metas.note("b", "1"));
    assertEquals(List.of(Map.entry("a", "1")), metas.note("c", "1"));
    assertEquals(2, metas.size());
  }

  @Test
  void notedAgainIsTheNewestWithItsLatestVersion() {
    ChunklessMetas metas = new ChunklessMetas(2);
    metas.note("a", "1");
    metas.note("b", "1");
    assertEquals(List.of(), metas.note("a", "2"));
    assertEquals(List.of(Map.entry("b", "1")), metas.note("c", "1"));
    assertEquals(List.of(Map.entry("a", "2")), metas.note("d", "1"));
  }

  @Test
  void aBoundBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ChunklessMetas(0));
  }
}
