package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** A multipart body's egress: counted by its pieces' sources as the socket takes the bytes, in order. */
class BodyEgressTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Counter hits = registry.counter("hits");
  final Counter misses = registry.counter("misses");
  final BodyEgress egress = new BodyEgress(hits, misses);

  @Test
  void bytesHandedOnAreCountedOnlyAsTheSocketTakesThem() {
    egress.framing(100);
    egress.handed(true, 1_000);
    egress.handed(false, 2_000);

    assertEquals(0, hits.count() + misses.count(), "nothing sent yet");
    egress.accept(150);
    assertEquals(50, hits.count(), "the part header is not egress; the next 50 bytes are a hit's");
    egress.accept(1_950);
    assertEquals(1_000, hits.count());
    assertEquals(1_000, misses.count(), "a write across two pieces counts each by its source");
  }

  @Test
  void piecesNeverSentAreNeverCounted() {
    egress.handed(false, 4_096);
    egress.handed(false, 4_096);
    egress.accept(100);

    // The client left: the rest of the queue is dropped with the response.
    assertEquals(100, misses.count());
    assertEquals(0, hits.count());
  }

  @Test
  void framingBetweenPartsAndTheClosingBoundaryAreNotEgress() {
    egress.framing(80);
    egress.handed(true, 10);
    egress.framing(80);
    egress.handed(false, 10);
    egress.framing(40);

    egress.accept(220);

    assertEquals(10, hits.count());
    assertEquals(10, misses.count());
  }

  @Test
  void emptyPiecesAndWritesBeyondWhatWasHandedOnChangeNothing() {
    egress.handed(true, 0);
    egress.accept(500);
    egress.handed(true, 5);
    egress.accept(5);

    assertEquals(5, hits.count());
  }
}
