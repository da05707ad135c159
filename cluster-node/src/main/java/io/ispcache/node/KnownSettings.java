package io.ispcache.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses {@code ispcache.*} settings that no module's {@code reference.conf} declares: a misspelt
 * key ({@code ispcache.content.prot}) would otherwise be ignored and its default used in silence.
 */
final class KnownSettings {
  /** Subtrees that take keys of their own: Akka dispatcher settings. */
  static final List<String> OPEN = List.of("ispcache.blocking-io-dispatcher.", "ispcache.admin-blocking-dispatcher.");

  private final Set<String> known;

  KnownSettings(Config reference) {
    this.known = new TreeSet<>();
    if (reference.hasPath("ispcache")) {
      for (Map.Entry<String, ?> e : reference.getConfig("ispcache").entrySet()) {
        known.add("ispcache." + e.getKey());
      }
    }
  }

  /** The settings every module of this process declares (the reference.conf files on the classpath). */
  static KnownSettings ofClasspath() {
    return new KnownSettings(
        ConfigFactory.parseResources(KnownSettings.class.getClassLoader(), "reference.conf").resolve());
  }

  /** Throws {@link InvalidSettingException} for the first unknown {@code ispcache.*} setting of {@code config}. */
  void check(Config config) {
    if (!config.hasPath("ispcache")) {
      return;
    }
    Set<String> given = new TreeSet<>();
    config.getConfig("ispcache").entrySet().forEach(e -> given.add("ispcache." + e.getKey()));
    for (String path : given) {
      if (!known.contains(path) && OPEN.stream().noneMatch(path::startsWith)) {
        Object value = config.getValue(path).unwrapped();
        throw new InvalidSettingException(path, value, "is not a setting of ispcache" + suggestion(path));
      }
    }
  }

  /** The same name in another section (a setting put in the wrong place), else the nearest spelling. */
  private String suggestion(String path) {
    Comparator<String> nearer = Comparator.comparingInt(k -> distance(k, path));
    String sameName = known.stream().filter(k -> leaf(k).equals(leaf(path))).min(nearer).orElse(null);
    if (sameName != null) {
      return "; did you mean " + sameName + "?";
    }
    String nearest = known.stream().min(nearer).orElse(null);
    if (nearest != null && distance(nearest, path) <= Math.max(3, leaf(path).length() / 2)) {
      return "; did you mean " + nearest + "?";
    }
    return " (config/production.conf lists every setting)";
  }

  private static String leaf(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
