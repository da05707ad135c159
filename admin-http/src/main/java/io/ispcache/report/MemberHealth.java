package io.ispcache.report;

import akka.actor.typed.ActorRef;
import akka.actor.typed.receptionist.ServiceKey;
import io.ispcache.serialization.CborSerializable;
import java.util.List;

/**
 * What every member of the cluster tells the admin API about itself when asked: its health as its
 * own /health says it, and the content objects' shards and entities it hosts. Each member registers
 * one answerer under {@link #KEY}; the admin API asks each member on its own, so a member that
 * does not answer (paused, unreachable) leaves only its own figures unknown.
 */
public final class MemberHealth {
  private MemberHealth() {}

  public static final ServiceKey<Ask> KEY = ServiceKey.create(Ask.class, "ispcache-member-health");

  public record Ask(ActorRef<Answer> replyTo) implements CborSerializable {}

  /**
   * @param shards shards of the content objects this member hosts (0 on a member without the
   *     cache role); null when its shard region did not answer in time
   * @param entities content object entities alive in those shards; null as {@code shards}
   */
  public record Answer(boolean healthy, List<String> problems, Integer shards, Integer entities) implements CborSerializable {}
}
