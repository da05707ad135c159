package io.ispcache.freshness;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import java.time.Duration;

/**
 * {@code ispcache.freshness}: the heuristic for responses that state no lifetime, and how stale an
 * object may be served when its origin cannot be reached.
 *
 * @param staleOnError how long past its freshness an object may still be served when the origin
 *     fails and the response did not say (no {@code stale-if-error}, no {@code must-revalidate});
 *     zero: never
 * @param clientDirectives whether clients' Cache-Control / Pragma request directives are obeyed
 */
public record FreshnessSettings(Freshness.Heuristic heuristic, Duration staleOnError, boolean clientDirectives) {

  public static FreshnessSettings fromConfig(Config root) {
    Config c = root.getConfig("ispcache.freshness");
    double fraction;
    try {
      fraction = c.getDouble("heuristic-fraction");
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.freshness.heuristic-fraction", null, "must be a number from 0 to 1");
    }
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new InvalidSettingException("ispcache.freshness.heuristic-fraction", fraction, "must be a number from 0 to 1");
    }
    boolean clientDirectives;
    try {
      clientDirectives = c.getBoolean("client-directives");
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.freshness.client-directives", null, "must be on or off");
    }
    return new FreshnessSettings(
        new Freshness.Heuristic(fraction, duration(c, "heuristic-max")), duration(c, "stale-on-error"), clientDirectives);
  }

  private static Duration duration(Config c, String key) {
    String setting = "ispcache.freshness." + key;
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException(setting, c.hasPath(key) ? c.getValue(key).unwrapped() : null, "must be a duration such as 1d");
    }
    if (d.isNegative() || d.compareTo(Duration.ofDays(365)) > 0) {
      throw new InvalidSettingException(setting, c.getValue(key).unwrapped(), "must be 0s to 365d");
    }
    return d;
  }
}
