package io.ispcache.load;

import java.util.Map;

/**
 * Reads a node's {@code /metrics} (Prometheus text) the way a scraper would, tolerant of how the
 * exposition may change: a counter is found under its name with or without {@code _total}, any
 * further labels are allowed, and values may be written as integers or floats ({@code 1.0E9}).
 */
final class NodeMetrics {
  private NodeMetrics() {}

  /** The sum of every sample of counter {@code name} (with or without {@code _total}) carrying {@code labels}. */
  static double sum(String text, String name, Map<String, String> labels) {
    String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    double sum = 0;
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      if (space < 0) {
        continue;
      }
      int nameEnd = brace >= 0 && brace < space ? brace : space;
      String sample = line.substring(0, nameEnd);
      if (!sample.equals(base) && !sample.equals(base + "_total")) {
        continue;
      }
      String labelText = "";
      String rest = line.substring(nameEnd);
      if (rest.startsWith("{")) {
        int close = rest.indexOf('}');
        if (close < 0) {
          continue;
        }
        labelText = rest.substring(1, close);
        rest = rest.substring(close + 1);
      }
      if (!hasLabels(labelText, labels)) {
        continue;
      }
      String[] fields = rest.strip().split("\\s+");
      try {
        sum += Double.parseDouble(fields[0]);
      } catch (NumberFormatException ignored) {
        // NaN spelled otherwise, or a malformed line: not a count
      }
    }
    return sum;
  }

  static double sum(String text, String name) {
    return sum(text, name, Map.of());
  }

  private static boolean hasLabels(String labelText, Map<String, String> wanted) {
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      if (!labelText.matches("(^|.*,)\\s*" + java.util.regex.Pattern.quote(e.getKey()) + "=\"" + java.util.regex.Pattern.quote(e.getValue()) + "\"\\s*(,.*|$)")) {
        return false;
      }
    }
    return true;
  }
}
