package io.ispcache.api;

import akka.actor.Address;
import akka.actor.AddressFromURIString;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.receptionist.Receptionist;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import akka.cluster.typed.Leave;
import io.ispcache.concurrent.Stages;
import io.ispcache.report.MemberHealth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Operator view and control of cluster membership: members with their health, shards and entities,
 * leave and down.
 */
final class ClusterOperations {
  /**
   * One member as operators see it. {@code healthy}, {@code problems}, {@code shards} and
   * {@code entities} are the member's own answer; null when it gave none in time.
   */
  record MemberView(
      String address,
      List<String> roles,
      String status,
      boolean reachable,
      Boolean healthy,
      List<String> problems,
      Integer shards,
      Integer entities) {}

  /** The membership; {@code partial}: some member did not answer, its figures are null. */
  record Members(boolean partial, List<MemberView> members) {}

  private final ActorSystem<?> system;
  private final Duration askTimeout;

  ClusterOperations(ActorSystem<?> system, Duration askTimeout) {
    this.system = system;
    this.askTimeout = askTimeout;
  }

  CompletionStage<Members> members() {
    akka.cluster.ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Set<Member> unreachable = new java.util.HashSet<>(state.getUnreachable());
    Address self = Cluster.get(system).selfMember().address();
    return answerers().thenCompose(answerers -> {
      List<Member> members = new ArrayList<>();
      state.getMembers().forEach(members::add);
      List<CompletableFuture<MemberHealth.Answer>> answers = new ArrayList<>();
      for (Member m : members) {
        ActorRef<MemberHealth.Ask> answerer = null;
        for (ActorRef<MemberHealth.Ask> a : answerers) {
          Address at = a.path().address().hasLocalScope() ? self : a.path().address();
          if (at.equals(m.address())) {
            answerer = a;
          }
        }
        answers.add(answerer == null || unreachable.contains(m) ? CompletableFuture.completedFuture(null) : ask(answerer));
      }
      return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(all -> {
        List<MemberView> out = new ArrayList<>();
        boolean partial = false;
        for (int i = 0; i < members.size(); i++) {
          Member m = members.get(i);
          MemberHealth.Answer a = answers.get(i).join();
          partial |= a == null;
          List<String> roles = new ArrayList<>(m.getRoles());
          roles.removeIf(r -> r.startsWith("dc-"));
          roles.sort(String::compareTo);
          out.add(new MemberView(
              m.address().toString(), roles, m.status().toString(), !unreachable.contains(m),
              a == null ? null : a.healthy(), a == null ? null : a.problems(), a == null ? null : a.shards(), a == null ? null : a.entities()));
          partial |= a != null && a.shards() == null;
        }
        return new Members(partial, out);
      });
    });
  }

  /** The members' answerers the receptionist knows (none if it does not answer in time). */
  private CompletionStage<Set<ActorRef<MemberHealth.Ask>>> answerers() {
    return Stages.plain(AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
            system.receptionist(), reply -> Receptionist.find(MemberHealth.KEY, reply), askTimeout, system.scheduler()))
        .thenApply(listing -> listing.getServiceInstances(MemberHealth.KEY))
        .exceptionally(e -> Set.of());
  }

  /** One member's answer, or null if it gave none within the timeout. */
  private CompletableFuture<MemberHealth.Answer> ask(ActorRef<MemberHealth.Ask> answerer) {
    return Stages.plain(AskPattern.<MemberHealth.Ask, MemberHealth.Answer>ask(
            answerer, MemberHealth.Ask::new, askTimeout, system.scheduler()))
        .toCompletableFuture()
        .exceptionally(e -> null);
  }

  void leave(String address) {
    Cluster.get(system).manager().tell(Leave.create(member(address)));
  }

  void down(String address) {
    Cluster.get(system).manager().tell(new Down(member(address)));
  }

  private Address member(String raw) {
    Address address;
    try {
      address = AddressFromURIString.parse(raw);
    } catch (Exception e) { // Akka throws MalformedURLException here, unchecked from Java's view
      throw ApiException.badRequest("address", "'" + raw + "' is not a cluster member address such as akka://ispcache@10.0.0.5:2552");
    }
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.address().equals(address)) {
        return address;
      }
    }
    throw ApiException.notFound("cluster member " + raw);
  }
}
