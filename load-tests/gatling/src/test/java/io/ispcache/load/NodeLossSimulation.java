package io.ispcache.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Node loss under load: devices spread over three nodes download pieces of a shared object set;
 * one node is killed (SIGKILL) mid-run. The devices of the lost node fail once and move to the
 * next node, as a client falls back; the others must go on with the right bytes. Reports the
 * error window (failures per node, from the kill to the last failure) and fails the run on any
 * wrong byte or on survivors still failing {@code recoverWithin} seconds after the kill.
 *
 * <p>Parameters as {@link PatchTuesdaySimulation}'s, plus killAt (seconds into the load) and
 * recoverWithin (seconds, 10 by default). Against a deployment (targets) nothing is killed: kill
 * a node by hand during the run, and the window is reported from the first failure.
 */
public class NodeLossSimulation extends Simulation {
  final LoadParameters params = LoadParameters.read(System.getProperties(),
      Map.of("nodes", "3", "devices", "12", "ramp", "2s", "duration", "16s", "killAt", "6s", "objects", "4x16MiB", "maxErrorPercent", "5"),
      Map.of("nodes", "3", "devices", "48", "ramp", "10s", "duration", "2m", "killAt", "40s", "objects", "8x64MiB", "maxErrorPercent", "5"));
  final Duration recoverWithin = LoadParameters.duration("recoverWithin", System.getProperty("recoverWithin"), Duration.ofSeconds(10));
  final LoadRun run = LoadRun.start("node-loss", requireSeveralNodes(params), "loss");
  final int lost = run.nodes() - 1;

  static LoadParameters requireSeveralNodes(LoadParameters p) {
    if (p.local() && p.nodes() < 2) {
      throw new IllegalArgumentException("nodes = " + p.nodes() + ": node loss needs at least 2 nodes (3 by default)");
    }
    return p;
  }

  /** A device asks its node (the one it was steered to, or the next after a failure) for a random piece. */
  Session next(Session s) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int home = s.contains("home") ? s.getInt("home") : (int) (s.userId() % run.nodes());
    return Pieces.aimPiece(run, s.set("home", home), home, random.nextInt(run.objects.count), random.nextInt(run.objects.pieces()));
  }

  Session after(Session s) {
    int home = s.getInt("home");
    boolean failed = s.isFailed();
    Session next = run.afterRequest(s, home);
    return failed ? next.set("home", (home + 1) % run.nodes()) : next;
  }

  ScenarioBuilder devices =
      scenario("devices")
          .exec(during(params.duration()).on(exec(this::next).exec(Pieces.get(run, "piece")).exec(this::after)));

  ScenarioBuilder loss = scenario("node loss").pause(params.ramp().plus(params.killAt())).exec(s -> {
    System.out.println("killing node " + lost);
    run.kill(lost);
    return s;
  });

  /** Failures per node relative to the kill (or to the first failure when nothing was killed here). */
  List<String> window() {
    List<LoadRun.Failure> failures = run.failures();
    double zero = Double.isNaN(run.killedAt()) ? failures.stream().mapToDouble(LoadRun.Failure::at).min().orElse(0) : run.killedAt();
    List<String> lines = new ArrayList<>();
    for (int n = 0; n < run.nodes(); n++) {
      int node = n;
      List<Double> at = failures.stream().filter(f -> f.node() == node).map(f -> f.at() - zero).sorted().toList();
      lines.add("failures on node " + n + (n == lost && params.local() ? " (killed)" : "") + ": "
          + (at.isEmpty() ? "none" : String.format(Locale.ROOT, "%d, from %+.1f s to %+.1f s after the kill", at.size(), at.get(0), at.get(at.size() - 1))));
    }
    return lines;
  }

  List<String> problems() {
    List<String> p = new ArrayList<>();
    if (run.wrongResponses() > 0) {
      p.add(run.wrongResponses() + " responses with wrong bytes");
    }
    if (params.local()) {
      if (Double.isNaN(run.killedAt())) {
        p.add("the node was never killed (killAt beyond the run?)");
      } else {
        double last = run.failures().stream().filter(f -> f.node() != lost).mapToDouble(f -> f.at() - run.killedAt()).max().orElse(0);
        if (last > recoverWithin.toSeconds()) {
          p.add(String.format(Locale.ROOT, "survivors still failed %.1f s after the kill (bound %d s)", last, recoverWithin.toSeconds()));
        }
      }
    }
    return p;
  }

  ScenarioBuilder verdict = scenario("verdict").exec(Pieces.verdict(run, 0, this::problems));

  {
    List<PopulationBuilder> populations = new ArrayList<>();
    populations.add(devices.injectOpen(rampUsers(params.devices()).during(params.ramp())).andThen(verdict.injectOpen(atOnceUsers(1))));
    if (params.local()) {
      populations.add(loss.injectOpen(atOnceUsers(1)));
    }
    setUp(populations)
        .protocols(Pieces.protocol())
        .maxDuration(params.duration().plus(params.ramp()).plusSeconds(60))
        .assertions(
            global().failedRequests().percent().lte(params.maxErrorPercent()),
            details("verdict").successfulRequests().count().is(1L));
  }

  @Override
  public void before() {
    System.out.printf(Locale.ROOT, "node loss: %d devices over %d nodes for %ss, node %d killed %ss into the load%n",
        params.devices(), run.nodes(), params.duration().toSeconds(), lost, params.killAt().toSeconds());
  }

  @Override
  public void after() {
    List<String> lines = new ArrayList<>(window());
    lines.add("error window bound for survivors: " + recoverWithin.toSeconds() + " s after the kill");
    System.out.println(run.summary(lines));
    run.close();
  }
}
