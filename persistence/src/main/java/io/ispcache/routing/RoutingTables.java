package io.ispcache.routing;

import akka.actor.NoSerializationVerificationNeeded;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes the routing table from the admin plane to every cluster member, where lookups read the
 * latest table without waiting on the registry. The publisher repeats the latest update
 * periodically so members that join later catch up.
 */
public final class RoutingTables {
  static final String TOPIC = "ispcache-routing";

  private RoutingTables() {}

  /** What a member reads: always the newest table it has received (empty until the first). */
  public interface View {
    RoutingTable current();
  }

  /** Subscribes this member; returns immediately. */
  public static View subscribe(ActorSystem<?> system) {
    return subscribe(system, new java.util.concurrent.CompletableFuture<>());
  }

  /** Subscribes this member; {@code first} completes when the first table has arrived. */
  public static View subscribe(ActorSystem<?> system, java.util.concurrent.CompletableFuture<Void> first) {
    AtomicReference<RoutingTable> latest = new AtomicReference<>(RoutingTable.empty());
    ActorRef<Topic.Command<RoutingUpdate>> topic = system.systemActorOf(Topic.create(RoutingUpdate.class, TOPIC), "routing-topic-sub", akka.actor.typed.Props.empty());
    Behavior<RoutingUpdate> subscriber =
        Behaviors.setup(
            ctx -> {
              topic.tell(Topic.subscribe(ctx.getSelf()));
              return Behaviors.receiveMessage(
                  u -> {
                    if (u.version() > latest.get().version() || latest.get().version() == 0) {
                      latest.set(u.table());
                    }
                    first.complete(null);
                    return Behaviors.same();
                  });
            });
    system.systemActorOf(subscriber, "routing-subscriber", akka.actor.typed.Props.empty());
    return latest::get;
  }

  /** Messages to the publisher, sent within the admin process only: never serialized. */
  public sealed interface PublisherCommand extends NoSerializationVerificationNeeded {}

  public record Publish(RoutingUpdate update) implements PublisherCommand {}

  private record Repeat() implements PublisherCommand {}

  /** The admin plane's publisher: sends each new table at once and repeats the last every {@code every}. */
  public static Behavior<PublisherCommand> publisher(Duration every) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<Topic.Command<RoutingUpdate>> topic = ctx.spawn(Topic.create(RoutingUpdate.class, TOPIC), "routing-topic-pub");
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerWithFixedDelay(new Repeat(), every);
                AtomicReference<RoutingUpdate> last = new AtomicReference<>();
                return Behaviors.receive(PublisherCommand.class)
                    .onMessage(
                        Publish.class,
                        p -> {
                          last.set(p.update());
                          topic.tell(Topic.publish(p.update()));
                          return Behaviors.same();
                        })
                    .onMessage(
                        Repeat.class,
                        r -> {
                          if (last.get() != null) {
                            topic.tell(Topic.publish(last.get()));
                          }
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }
}
