package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  private final ReadAhead readAhead = new ReadAhead();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final Runnable abandon = abandoned::incrementAndGet;

  @Test
  void readAheadIsWantedOnlyWhileAResponseOfTheObjectIsOpen() {
    assertFalse(readAhead.wanted("a"));
    Runnable response = readAhead.open("a");
    assertTrue(readAhead.wanted("a"));
    assertFalse(readAhead.wanted("b"), "another object");
    response.run();
    assertFalse(readAhead.wanted("a"));
  }

  @Test
  void theFillsReadAheadAreAbandonedWhenTheObjectsLastResponseCloses() {
    Runnable first = readAhead.open("a");
    Runnable second = readAhead.open("a");
    readAhead.began("a", abandoned::incrementAndGet, new CompletableFuture<Void>());
    readAhead.began("a", abandoned::incrementAndGet, new CompletableFuture<Void>());

    first.run();
    assertEquals(0, abandoned.get(), "a response of the object is still open");
    second.run();
    assertEquals(2, abandoned.get());
  }

  @Test
  void aFillThatBeganWhenNoResponseWasOpenAnyMoreIsAbandonedAtOnce() {
    readAhead.open("a").run();
    readAhead.began("a", abandon, new CompletableFuture<Void>());
    assertEquals(1, abandoned.get());
    assertFalse(readAhead.wanted("a"));
  }

  @Test
  void aFillThatEndedIsNotAbandonedLater() {
    Runnable response = readAhead.open("a");
    CompletableFuture<Void> committed = new CompletableFuture<>();
    CompletableFuture<Void> failed = new CompletableFuture<>();
    readAhead.began("a", abandoned::incrementAndGet, committed);
    readAhead.began("a", abandoned::incrementAndGet, failed);
    committed.complete(null);
    failed.completeExceptionally(new IllegalStateException("origin reset"));

    response.run();
    assertEquals(0, abandoned.get());
  }

  @Test
  void aResponseClosedTwiceCountsOnce() {
    Runnable first = readAhead.open("a");
    Runnable second = readAhead.open("a");
    readAhead.began("a", abandon, new CompletableFuture<Void>());

    first.run();
    first.run();
    assertTrue(readAhead.wanted("a"), "the second response is still open");
    assertEquals(0, abandoned.get());
    second.run();
    assertEquals(1, abandoned.get());
  }

  @Test
  void theLastResponseOfOneObjectLeavesAnotherObjectsReadAheadAlone() {
    Runnable a = readAhead.open("a");
    Runnable b = readAhead.open("b");
    readAhead.began("b", abandon, new CompletableFuture<Void>());

    a.run();
    assertEquals(0, abandoned.get());
    assertTrue(readAhead.wanted("b"));
    b.run();
    assertEquals(1, abandoned.get());
  }

  @Test
  void anObjectOpenedAgainAfterItsLastResponseClosedStartsAfresh() {
    readAhead.open("a").run();
    Runnable again = readAhead.open("a");
    readAhead.began("a", abandon, new CompletableFuture<Void>());
    assertEquals(0, abandoned.get());
    again.run();
    assertEquals(1, abandoned.get());
  }
}
