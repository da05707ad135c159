package io.ispcache.api;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.pattern.StatusReply;
import io.ispcache.concurrent.Stages;
import io.ispcache.registry.Registry;
import io.ispcache.registry.RegistryState;
import io.ispcache.registry.Rejection;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Asks the registry singleton, turning its rejections into API errors. */
final class RegistryClient {
  private final ActorRef<Registry.Command> registry;
  private final ActorSystem<?> system;
  private final Duration timeout;

  RegistryClient(ActorRef<Registry.Command> registry, ActorSystem<?> system, Duration timeout) {
    this.registry = registry;
    this.system = system;
    this.timeout = timeout;
  }

  <T> CompletionStage<T> ask(Function<ActorRef<StatusReply<T>>, Registry.Command> command) {
    CompletionStage<StatusReply<T>> reply = Stages.plain(AskPattern.ask(registry, command::apply, timeout, system.scheduler()));
    return reply.thenApply(
        r -> {
          if (r.isError()) {
            Rejection rej = Rejection.decode(r.getError().getMessage());
            throw new CompletionException(new ApiException(rej.status(), rej.field(), rej.message()));
          }
          return r.getValue();
        });
  }

  CompletionStage<RegistryState> state() {
    return ask(Registry.GetState::new);
  }
}
