package io.ispcache.load;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Patch Tuesday: a cold cache, then many devices download the same few large update files the
 * way Delivery Optimization does, in ~1 MiB Range requests; some resume a download cut off
 * mid-file (their first range starts inside a piece), a few give up part way. Every body is
 * checked against its SHA-256. The cache's whole point is measured: each object comes from the
 * origin once, so served ÷ origin bytes is the number of downloads per object.
 *
 * <p>Parameters ({@code -Dname=value}, see {@link LoadParameters}): profile, devices, ramp,
 * duration (the bound on the whole run), objects, piece, nodes, targets, metrics, origin,
 * maxErrorPercent, resumePercent, abortPercent, originLimit (origin bytes ÷ object set bytes),
 * warm (true: every device downloads again once all are done, requests named "(warm)": the
 * warm node's percentiles) and server ({@code nginx-slice}: the same simulation against nginx
 * proxy_cache with slice 1m instead of the node).
 */
public class PatchTuesdaySimulation extends Simulation {
  final LoadParameters params = LoadParameters.read(System.getProperties(),
      Map.of("devices", "48", "ramp", "3s", "duration", "60s", "objects", "2x16MiB"),
      Map.of("devices", "1000", "ramp", "60s", "duration", "5m", "objects", "4x16MiB"));
  final double resumePercent = LoadParameters.decimal("resumePercent", System.getProperty("resumePercent"), 10, 0, 100);
  final double abortPercent = LoadParameters.decimal("abortPercent", System.getProperty("abortPercent"), 5, 0, 100 - resumePercent);
  // The smoke's bound leaves room for a chunk fetched twice: on a loaded 2-core machine the node's
  // 1 s ask of an object's entity can time out, and the fill then goes ahead without it (2 MiB of
  // a 32 MiB set is 1.06x). The full run holds the goal's bound.
  final double originLimit = LoadParameters.decimal("originLimit", System.getProperty("originLimit"),
      params.profile().equals("smoke") ? 1.25 : 1.05, 1, 1000);
  final boolean warm = LoadParameters.flag("warm", System.getProperty("warm"));
  final LoadRun run = LoadRun.start("patch-tuesday", params, "patch");
  final AtomicInteger resumed = new AtomicInteger();
  final AtomicInteger aborted = new AtomicInteger();

  /** Device i downloads object i mod count, through node i mod nodes, whole, resumed or given up. */
  Iterator<Map<String, Object>> devices() {
    SplittableRandom random = new SplittableRandom(params.seed());
    ObjectSet o = run.objects;
    AtomicInteger next = new AtomicInteger();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Map<String, Object> next() {
        int i = next.getAndIncrement();
        Map<String, Object> d = new HashMap<>();
        d.put("object", i % o.count);
        d.put("home", i % run.nodes());
        int pieces = o.pieces();
        double r = random.nextDouble() * 100;
        int start = 0;
        int end = pieces;
        long resumeFrom = -1;
        if (r < resumePercent && pieces > 1) {
          // Cut off before: it had every byte up to a point inside a piece, and asks for the rest of it.
          int piece = 1 + random.nextInt(pieces - 1);
          resumeFrom = o.pieceFrom(piece) + 1 + random.nextLong(o.pieceTo(piece) - o.pieceFrom(piece));
          start = piece + 1;
          resumed.incrementAndGet();
        } else if (r < resumePercent + abortPercent && pieces > 1) {
          end = 1 + random.nextInt(pieces - 1);
          aborted.incrementAndGet();
        }
        d.put("resumeFrom", resumeFrom);
        d.put("next", start);
        d.put("end", end);
        return d;
      }
    };
  }

  Session resume(Session s) {
    int object = s.getInt("object");
    long from = s.getLong("resumeFrom");
    long to = run.objects.pieceTo((int) (from / run.objects.pieceSize));
    return Pieces.aim(run, s, s.getInt("home"), object, from, to, run.objects.rangeHash(object, from, to));
  }

  Session nextPiece(Session s) {
    int piece = s.getInt("next");
    return Pieces.aimPiece(run, s.set("next", piece + 1), s.getInt("home"), s.getInt("object"), piece);
  }

  /** One pass of every device; the warm pass asks again for what the cold one fetched, under its own request names. */
  ScenarioBuilder devices(String pass) {
    return scenario("devices" + pass)
        .feed(devices())
        .doIf(s -> s.getLong("resumeFrom") >= 0)
        .then(exec(this::resume).exec(Pieces.get(run, "resume" + pass)).exec(s -> run.afterRequest(s, s.getInt("home"))))
        .exec(asLongAs(s -> s.getInt("next") < s.getInt("end"))
            .on(exec(this::nextPiece).exec(Pieces.get(run, "piece" + pass)).exec(s -> run.afterRequest(s, s.getInt("home")))));
  }

  List<String> problems() {
    List<String> p = new ArrayList<>();
    if (run.wrongResponses() > 0) {
      p.add(run.wrongResponses() + " responses with wrong bytes");
    }
    double perObject = run.originBytes() / run.objects.totalBytes();
    if (perObject > originLimit) {
      p.add(String.format(Locale.ROOT, "the origin sent %.3fx the object set (bound %.2f): objects fetched more than once", perObject, originLimit));
    }
    return p;
  }

  ScenarioBuilder verdict = scenario("verdict").exec(Pieces.verdict(run, 0, this::problems));

  {
    PopulationBuilder cold = devices("").injectOpen(rampUsers(params.devices()).during(params.ramp()));
    PopulationBuilder load = warm
        ? cold.andThen(devices(" (warm)").injectOpen(rampUsers(params.devices()).during(params.ramp())))
        : cold;
    setUp(load.andThen(verdict.injectOpen(atOnceUsers(1))))
        .protocols(Pieces.protocol())
        .maxDuration(params.duration())
        .assertions(
            global().failedRequests().percent().lte(params.maxErrorPercent()),
            details("verdict").successfulRequests().count().is(1L));
  }

  @Override
  public void before() {
    System.out.printf(Locale.ROOT, "patch tuesday: %d devices over %d s on %d server(s), %d objects of %s%n",
        params.devices(), params.ramp().toSeconds(), run.nodes(), run.objects.count, Sizes.format(run.objects.size));
  }

  @Override
  public void after() {
    NodeFigures n = run.nodeTotals();
    double devicesPerObject = (warm ? 2.0 : 1.0) * params.devices() / run.objects.count;
    System.out.println(run.summary(List.of(
        "devices per object: " + String.format(Locale.ROOT, "%.1f", devicesPerObject) + " (" + resumed.get() + " resumed mid-file, " + aborted.get() + " gave up part way)",
        "served / origin goal (devices per object, each downloading the whole object): " + String.format(Locale.ROOT, "%.1f", devicesPerObject),
        "bytes the devices asked for / object set: " + String.format(Locale.ROOT, "%.2f", n.egressBytes() / run.objects.totalBytes()))));
    run.close();
  }
}
