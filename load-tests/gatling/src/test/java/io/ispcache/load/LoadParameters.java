package io.ispcache.load;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a content simulation runs against and how hard: system properties ({@code -Ddevices=600}),
 * else the simulation's defaults for the {@code profile} ({@code smoke}, the test command's few
 * seconds, or {@code full}). Without {@code targets} the run starts its own origin and nodes on
 * 127.0.0.1; with them it loads a real deployment. Read once, validated, every bound explicit.
 */
record LoadParameters(
    String profile,
    List<URI> targets,
    List<URI> metrics,
    String originHost,
    int nodes,
    int devices,
    Duration duration,
    Duration ramp,
    String objects,
    long pieceSize,
    long seed,
    double maxErrorPercent,
    Path jar,
    long cacheSize,
    long chunkSize,
    Duration killAt,
    String server) {

  static final String LOCAL_ORIGIN_HOST = "load.example.net";
  private static final Pattern DURATION = Pattern.compile("(\\d{1,5})(s|m)?");

  /** Reads the parameters: a system property, else the profile's default, else the shared default. */
  static LoadParameters read(Properties props, Map<String, String> smoke, Map<String, String> full) {
    String profile = props.getProperty("profile", "smoke");
    Map<String, String> defaults =
        switch (profile) {
          case "smoke" -> smoke;
          case "full" -> full;
          default -> throw new IllegalArgumentException("profile = '" + profile + "': must be smoke or full");
        };
    Function<String, String> get = key -> {
      String v = props.getProperty(key);
      return v != null ? v : defaults.get(key);
    };
    List<URI> targets = urls("targets", get.apply("targets"));
    List<URI> metrics = urls("metrics", get.apply("metrics"));
    boolean local = targets.isEmpty();
    if (!local && metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics: a run against targets needs each node's metrics URL (http://node:5000/metrics), comma-separated");
    }
    if (local && !metrics.isEmpty()) {
      throw new IllegalArgumentException("metrics: only with targets (a local run reads its own nodes' metrics)");
    }
    String originHost = get.apply("origin");
    if (originHost == null) {
      if (!local) {
        throw new IllegalArgumentException("origin: a run against targets needs the origin host the nodes allow (sent as ?cacheHostOrigin=)");
      }
      originHost = LOCAL_ORIGIN_HOST;
    }
    if (!originHost.matches("[A-Za-z0-9.-]{1,253}")) {
      throw new IllegalArgumentException("origin = '" + originHost + "': must be a host name");
    }
    int nodes = integer("nodes", get.apply("nodes"), 1, 1, 5);
    int devices = integer("devices", get.apply("devices"), 1, 1, 100_000);
    Duration duration = duration("duration", get.apply("duration"), Duration.ofSeconds(10));
    if (duration.isZero()) {
      throw new IllegalArgumentException("duration = 0s: a run lasts at least a second");
    }
    Duration ramp = duration("ramp", get.apply("ramp"), Duration.ZERO);
    if (ramp.compareTo(duration) > 0) {
      throw new IllegalArgumentException("ramp = " + ramp.toSeconds() + "s: longer than duration = " + duration.toSeconds() + "s");
    }
    String objects = get.apply("objects") == null ? "2x8MiB" : get.apply("objects");
    long pieceSize = Sizes.parse("piece", get.apply("piece") == null ? "1MiB" : get.apply("piece"));
    long seed = integer("seed", get.apply("seed"), 1, 0, Integer.MAX_VALUE);
    double maxErrorPercent = decimal("maxErrorPercent", get.apply("maxErrorPercent"), 0, 0, 100);
    Path jar = Path.of(get.apply("jar") == null ? "../../cluster-node/target/ispcache-node.jar" : get.apply("jar"));
    if (local && !"nginx-slice".equals(get.apply("server")) && !Files.isRegularFile(jar)) {
      throw new IllegalArgumentException("jar = '" + jar + "': no node jar there (build it with mvn -DskipTests package at the root, or give -Djar=)");
    }
    long cacheSize = Sizes.parse("cache", get.apply("cache") == null ? "1GiB" : get.apply("cache"));
    if (cacheSize < (16L << 20)) {
      throw new IllegalArgumentException("cache = " + Sizes.format(cacheSize) + ": at least 16MiB");
    }
    long chunkSize = Sizes.parse("chunk", get.apply("chunk") == null ? "2MiB" : get.apply("chunk"));
    Duration killAt = duration("killAt", get.apply("killAt"), Duration.ZERO);
    if (!killAt.isZero() && killAt.compareTo(duration) >= 0) {
      throw new IllegalArgumentException("killAt = " + killAt.toSeconds() + "s: must be within duration = " + duration.toSeconds() + "s");
    }
    String server = get.apply("server") == null ? "ispcache" : get.apply("server");
    if (!server.equals("ispcache") && !server.equals("nginx-slice")) {
      throw new IllegalArgumentException("server = '" + server + "': must be ispcache or nginx-slice");
    }
    if (server.equals("nginx-slice") && !local) {
      throw new IllegalArgumentException("server = nginx-slice: a local comparison, not with targets");
    }
    LoadParameters p = new LoadParameters(profile, targets, metrics, originHost, nodes, devices, duration, ramp, objects,
        pieceSize, seed, maxErrorPercent, jar, cacheSize, chunkSize, killAt, server);
    p.objectSet("check"); // the objects spec is checked here, once, not at the first request
    return p;
  }

  boolean local() {
    return targets.isEmpty();
  }

  /** How many nodes the run sends requests to. */
  int nodeCount() {
    return local() ? nodes : targets.size();
  }

  ObjectSet objectSet(String name) {
    return ObjectSet.of(name, objects, pieceSize, seed);
  }

  private static List<URI> urls(String key, String value) {
    List<URI> out = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    for (String s : value.split(",")) {
      URI u;
      try {
        u = URI.create(s.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ": '" + s.trim() + "' is not a URL");
      }
      if (!"http".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException(key + ": '" + s.trim() + "' must be an http:// URL with a host");
      }
      out.add(u);
    }
    return List.copyOf(out);
  }

  private static int integer(String key, String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = '" + value + "': must be a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(key + " = " + n + ": must be " + min + " to " + max);
    }
    return n;
  }

  /** Seconds ({@code 30}, {@code 30s}) or minutes ({@code 3m}), at most an hour: every run is bounded. */
  static Duration duration(String key, String value, Duration fallback) {
    if (value == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(key + " = '" + value + "': must be seconds (30, 30s) or minutes (3m)");
    }
    Duration d = "m".equals(m.group(2)) ? Duration.ofMinutes(Long.parseLong(m.group(1))) : Duration.ofSeconds(Long.parseLong(m.group(1)));
    if (d.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(key + " = '" + value + "': at most an hour");
    }
    return d;
  }

  /** {@code true} or {@code false} (absent: false). */
  static boolean flag(String key, String value) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw new IllegalArgumentException(key + " = '" + value + "': must be true or false");
  }

  /** A number within {@code [min, max]}, or {@code fallback} when not given. */
  static double decimal(String key, String value, double fallback, double min, double max) {
    if (value == null) {
      return fallback;
    }
    double d;
    try {
      d = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " = '" + value + "': must be a number");
    }
    if (!(d >= min && d <= max)) {
      throw new IllegalArgumentException(key + " = " + value.trim() + ": must be " + format(min) + " to " + format(max));
    }
    return d;
  }

  private static String format(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
