package io.ispcache.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Steady state: a catalogue larger than the cache, asked for with Zipf-like popularity (a few
 * objects very often, most rarely), so the store evicts all the time; the nodes' hit ratio over
 * time is the figure. Every body is checked against its SHA-256.
 *
 * <p>Parameters as {@link PatchTuesdaySimulation}'s, plus cache (each local node's drive size,
 * smaller than the object set) and zipf (the exponent, 0.9 by default).
 */
public class SteadyStateSimulation extends Simulation {
  final LoadParameters params = LoadParameters.read(System.getProperties(),
      Map.of("devices", "8", "ramp", "2s", "duration", "12s", "objects", "48x4MiB", "cache", "64MiB", "maxErrorPercent", "0"),
      Map.of("devices", "32", "ramp", "10s", "duration", "3m", "objects", "400x8MiB", "cache", "1GiB", "maxErrorPercent", "0"));
  final double exponent = LoadParameters.decimal("zipf", System.getProperty("zipf"), 0.9, 0.1, 4);
  final LoadRun run = LoadRun.start("steady-state", params, "steady");
  final Zipf popularity = new Zipf(run.objects.count, exponent);

  /** A device asks for a piece of an object drawn by popularity, from its node (devices spread over the nodes). */
  Session next(Session s) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int object = popularity.next(random);
    int piece = random.nextInt(run.objects.pieces());
    return Pieces.aimPiece(run, s, (int) (s.userId() % run.nodes()), object, piece);
  }

  ScenarioBuilder devices =
      scenario("devices")
          .exec(during(params.duration())
              .on(exec(this::next).exec(Pieces.get(run, "piece")).exec(s -> run.afterRequest(s, s.getInt("node")))));

  List<String> problems() {
    List<String> p = new ArrayList<>();
    if (run.wrongResponses() > 0) {
      p.add(run.wrongResponses() + " responses with wrong bytes");
    }
    if (params.local() && run.objects.totalBytes() > params.cacheSize() * params.nodes() && run.nodeTotals().evictedBytes() == 0) {
      p.add("the catalogue is larger than the cache but nothing was evicted: the run did not load what it claims to");
    }
    return p;
  }

  ScenarioBuilder verdict = scenario("verdict").exec(Pieces.verdict(run, 0, this::problems));

  {
    setUp(devices.injectOpen(rampUsers(params.devices()).during(params.ramp())).andThen(verdict.injectOpen(atOnceUsers(1))))
        .protocols(Pieces.protocol())
        .maxDuration(params.duration().plus(params.ramp()).plusSeconds(60))
        .assertions(
            global().failedRequests().percent().lte(params.maxErrorPercent()),
            details("verdict").successfulRequests().count().is(1L));
  }

  @Override
  public void before() {
    System.out.printf(Locale.ROOT, "steady state: %d devices for %ss, %d objects of %s (Zipf %.2f), cache %s per node%n",
        params.devices(), params.duration().toSeconds(), run.objects.count, Sizes.format(run.objects.size), exponent,
        params.local() ? Sizes.format(params.cacheSize()) : "(the deployment's)");
  }

  @Override
  public void after() {
    NodeFigures n = run.nodeTotals();
    System.out.println(run.summary(List.of(
        "popularity: Zipf " + exponent + " over " + run.objects.count + " objects (" + Sizes.mib(run.objects.totalBytes()) + ")",
        "cache: " + (params.local() ? Sizes.format(params.cacheSize()) + " per node, " + String.format(Locale.ROOT, "%.0f %%", 100.0 * params.cacheSize() * params.nodes() / run.objects.totalBytes()) + " of the catalogue" : "the deployment's"),
        "hit ratio (bytes): " + Timeline.percent(n.egressBytes() == 0 ? Double.NaN : n.hitBytes() / n.egressBytes()),
        "evicted: " + Sizes.mib(n.evictedBytes()))));
    run.close();
  }
}
