package io.ispcache.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.FutureConverters;

class StagesTest {

  @Test
  void aStageFromAkkaRunsChainedWorkElsewhereButThePlainOneRunsItOnTheCompletingThread() throws Exception {
    CompletionStage<Integer> akka = FutureConverters.asJava(scala.concurrent.Future$.MODULE$.successful(7));
    Thread caller = Thread.currentThread();

    Thread viaAkka = akka.thenApply(v -> Thread.currentThread()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Thread viaPlain = Stages.plain(akka).thenApply(v -> Thread.currentThread()).toCompletableFuture().get(10, TimeUnit.SECONDS);

    assertNotSame(caller, viaAkka, "Akka's stage hands every continuation to another thread");
    assertSame(caller, viaPlain);
  }

  @Test
  void aGivenExecutorRunsTheCompletion() throws Exception {
    java.util.List<Runnable> ran = new java.util.ArrayList<>();
    java.util.concurrent.Executor recording = task -> {
      ran.add(task);
      task.run();
    };
    CompletionStage<Integer> akka = FutureConverters.asJava(scala.concurrent.Future$.MODULE$.successful(3));

    assertEquals(4, Stages.plain(akka, recording).thenApply(v -> v + 1).get(10, TimeUnit.SECONDS));
    assertEquals(1, ran.size());
  }

  @Test
  void valuesAndFailuresPassThrough() throws Exception {
    assertEquals(7, Stages.plain(FutureConverters.asJava(scala.concurrent.Future$.MODULE$.successful(7))).get());
    IllegalStateException boom = new IllegalStateException("boom");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> Stages.plain(FutureConverters.asJava(scala.concurrent.Future$.MODULE$.<Integer>failed(boom))).get());
    assertSame(boom, e.getCause());
  }
}
