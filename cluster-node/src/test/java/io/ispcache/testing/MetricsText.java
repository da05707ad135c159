package io.ispcache.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node's {@code /metrics} as a monitoring system reads it: series by name (with labels), values as numbers. */
public final class MetricsText {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private final String text;

  private MetricsText(String text) {
    this.text = text;
  }

  /** Scrapes {@code uri} (a node's health port {@code /metrics}). */
  public static MetricsText scrape(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.body());
    }
    return new MetricsText(r.body());
  }

  public static MetricsText of(String text) {
    return new MetricsText(text);
  }

  /**
   * The value of {@code series}, a name with its labels as the exposition writes them (e.g.
   * {@code ispcache_responses_total{cache="hit"}}); Prometheus writes every value as a float.
   */
  public double value(String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
    if (!m.find()) {
      throw new AssertionError(series + " not in /metrics:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }

  /** {@link #value} as a whole count. */
  public long count(String series) {
    double v = value(series);
    if (v != Math.rint(v)) {
      throw new AssertionError(series + " is " + v + ", not a whole count");
    }
    return (long) v;
  }

  public boolean has(String series) {
    return Pattern.compile("(?m)^" + Pattern.quote(series) + " \\S+$").matcher(text).find();
  }

  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
