package io.ispcache.purge;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import akka.pattern.StatusReply;
import io.ispcache.registry.Registry;
import io.ispcache.serialization.CborSerializable;

/**
 * How purges reach the cache nodes. Each admin process runs a feed, registered with the
 * receptionist: a node asks any feed for the purges after the last one it applied (the registry
 * answers the node directly), on start, every poll interval and at once when a {@link Notice}
 * says a new one was recorded. A node that was down or cut off catches up on its next ask; the
 * notice only makes a connected node quick.
 */
public final class PurgeFeed {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "ispcache-purge-feed");
  static final String TOPIC = "ispcache-purges";

  private PurgeFeed() {}

  /** Messages to a feed. */
  public sealed interface Command extends CborSerializable {}

  /** A node asks for at most {@code limit} purges after number {@code after}. */
  public record PurgesAfter(long after, int limit, ActorRef<StatusReply<Registry.PurgeList>> replyTo) implements Command {}

  /** The admin API recorded purge {@code seq}: tell the nodes (sent within the admin process). */
  public record Recorded(long seq) implements Command {}

  /** Published to every member: purges up to {@code seq} are recorded. */
  public record Notice(long seq) implements CborSerializable {}

  /** The admin process's feed, answering from {@code registry}. */
  public static Behavior<Command> create(ActorRef<Registry.Command> registry) {
    return Behaviors.setup(
        ctx -> {
          ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
          ActorRef<Topic.Command<Notice>> topic = ctx.spawn(Topic.create(Notice.class, TOPIC), "purge-topic-pub");
          return Behaviors.receive(Command.class)
              .onMessage(
                  PurgesAfter.class,
                  q -> {
                    registry.tell(new Registry.ListPurges(q.after(), q.limit(), q.replyTo()));
                    return Behaviors.same();
                  })
              .onMessage(
                  Recorded.class,
                  r -> {
                    topic.tell(Topic.publish(new Notice(r.seq())));
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /** Subscribes {@code subscriber} to the notices of new purges, through a child of {@code context}. */
  public static void subscribe(ActorContext<?> context, ActorRef<Notice> subscriber) {
    ActorRef<Topic.Command<Notice>> topic = context.spawn(Topic.create(Notice.class, TOPIC), "purge-topic-sub");
    topic.tell(Topic.subscribe(subscriber));
  }
}
