package io.ispcache.object;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  void concurrentCallersOfOneKeyShareOneCall() throws Exception {
    AtomicInteger joins = new AtomicInteger();
    SingleFlight<FillKey, String> flight = new SingleFlight<>(joins::incrementAndGet);
    FillKey key = new FillKey("origin/o.bin", "v1", 3);
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> origin = new CompletableFuture<>();
    int callers = 16;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<CompletionStage<String>>> asked = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        asked.add(pool.submit(() -> {
          go.await();
          return flight.join(key, () -> {
            calls.incrementAndGet();
            return origin;
          });
        }));
      }
      go.countDown();
      List<CompletionStage<String>> outcomes = new ArrayList<>();
      for (Future<CompletionStage<String>> a : asked) {
        outcomes.add(a.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
      }
      origin.complete("bytes");
      for (CompletionStage<String> o : outcomes) {
        assertEquals("bytes", o.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, calls.get(), "one call for every caller");
    assertEquals(callers - 1, joins.get(), "every other caller joined it");
  }

  @Test
  void callsUnderOtherKeysRunApart() {
    SingleFlight<FillKey, String> flight = new SingleFlight<>();
    AtomicInteger calls = new AtomicInteger();
    List<FillKey> keys = List.of(
        new FillKey("origin/o.bin", "v1", 0),
        new FillKey("origin/o.bin", "v1", 1),
        new FillKey("origin/o.bin", "v2", 0),
        FillKey.discovering("origin/o.bin", 0),
        new FillKey("origin/p.bin", "v1", 0));
    for (FillKey key : keys) {
      flight.join(key, () -> {
        calls.incrementAndGet();
        return new CompletableFuture<>();
      });
    }
    assertEquals(keys.size(), calls.get(), "another chunk, revision, discovery or object is another call");
  }

  @Test
  void aFailureReachesEveryWaiterAndTheNextCallStartsAfresh() throws Exception {
    SingleFlight<FillKey, String> flight = new SingleFlight<>();
    FillKey key = new FillKey("origin/o.bin", "v1", 0);
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> failing = new CompletableFuture<>();
    CompletionStage<String> first = flight.join(key, () -> {
      calls.incrementAndGet();
      return failing;
    });
    CompletionStage<String> second = flight.join(key, () -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture("not called");
    });
    IOException refused = new IOException("origin refused the connection");
    failing.completeExceptionally(new CompletionException(refused));
    for (CompletionStage<String> waiter : List.of(first, second)) {
      Throwable got = waitForFailure(waiter);
      assertSame(refused, got, "the call's own failure, not its wrapper");
    }
    assertEquals(1, calls.get());

    CompletionStage<String> again = flight.join(key, () -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture("bytes");
    });
    assertEquals("bytes", again.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertEquals(2, calls.get(), "the failure was not kept");
  }

  @Test
  void aCallThatThrowsFailsItsWaitersAndLeavesItsKey() {
    SingleFlight<FillKey, String> flight = new SingleFlight<>();
    FillKey key = new FillKey("origin/o.bin", "v1", 0);
    IllegalStateException broken = new IllegalStateException("no drive");
    CompletionStage<String> outcome = flight.join(key, () -> {
      throw broken;
    });
    assertSame(broken, waitForFailure(outcome));
    assertTrue(flight.inFlight(key).isEmpty());
  }

  @Test
  void theKeyIsFreeWhenWaitersAreWoken() throws Exception {
    SingleFlight<FillKey, String> flight = new SingleFlight<>();
    FillKey key = new FillKey("origin/o.bin", "v1", 0);
    CompletableFuture<String> call = new CompletableFuture<>();
    CompletableFuture<Optional<CompletionStage<String>>> seenByStarter = new CompletableFuture<>();
    CompletableFuture<String> startedByWaiter = new CompletableFuture<>();
    flight.join(key, () -> call).whenComplete((v, e) -> seenByStarter.complete(flight.inFlight(key)));
    flight.join(key, () -> CompletableFuture.completedFuture("not called"))
        .whenComplete((v, e) -> flight.join(key, () -> CompletableFuture.completedFuture("afresh"))
            .thenAccept(startedByWaiter::complete));
    call.completeExceptionally(new IOException("reset"));
    assertTrue(seenByStarter.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).isEmpty(), "no call in flight when woken");
    assertEquals("afresh", startedByWaiter.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), "a woken waiter's next call is its own");
  }

  @Test
  void aCallInFlightCanBeLookedUpUntilItEnds() throws Exception {
    AtomicInteger joins = new AtomicInteger();
    SingleFlight<FillKey, String> flight = new SingleFlight<>(joins::incrementAndGet);
    FillKey key = new FillKey("origin/o.bin", "v1", 2);
    assertTrue(flight.inFlight(key).isEmpty(), "nothing started yet");
    CompletableFuture<String> call = new CompletableFuture<>();
    flight.join(key, () -> call);
    Optional<CompletionStage<String>> found = flight.inFlight(key);
    assertTrue(found.isPresent());
    assertTrue(flight.inFlight(new FillKey("origin/o.bin", "v1", 2)).isPresent(), "an equal key finds it");
    assertTrue(flight.inFlight(FillKey.discovering("origin/o.bin", 2)).isEmpty(), "a discovery is another key");
    assertTrue(flight.inFlight(new FillKey("origin/o.bin", "v2", 2)).isEmpty(), "another revision is another key");
    assertEquals(0, joins.get(), "a look-up is not a join");
    call.complete("bytes");
    assertEquals("bytes", found.get().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertTrue(flight.inFlight(key).isEmpty(), "an ended call is not kept");
  }

  @Test
  void aForgottenCallStillAnswersItsWaitersWhileTheNextJoinStartsAnother() throws Exception {
    SingleFlight<FillKey, String> flight = new SingleFlight<>();
    FillKey discovery = FillKey.discovering("origin/o.bin", 0);
    CompletableFuture<String> versioned = new CompletableFuture<>();
    CompletionStage<String> follower = flight.join(discovery, () -> {
      flight.forget(discovery); // it only follows another call
      return versioned;
    });
    assertTrue(flight.inFlight(discovery).isEmpty());
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> next = new CompletableFuture<>();
    CompletionStage<String> nextOutcome = flight.join(discovery, () -> {
      calls.incrementAndGet();
      return next;
    });
    assertEquals(1, calls.get(), "the next join started its own call");
    versioned.complete("v1");
    assertEquals("v1", follower.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertTrue(flight.inFlight(discovery).isPresent(), "the forgotten call's end leaves the next one in place");
    next.complete("v2");
    assertEquals("v2", nextOutcome.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    assertFalse(flight.inFlight(discovery).isPresent());
  }

  private static Throwable waitForFailure(CompletionStage<String> stage) {
    Throwable e = assertThrows(
        java.util.concurrent.ExecutionException.class,
        () -> stage.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    return e.getCause();
  }
}
