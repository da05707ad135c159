package io.ispcache.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import java.time.Duration;

/** How long the traffic series are kept and how often they are rolled up, read once from {@code ispcache.admin.telemetry}. */
public record TelemetrySettings(Duration minuteRetention, Duration hourRetention, Duration rollUpInterval, int maxPendingSamples) {
  /** A 24 h report is drawn from minutes: they must outlive it by the hour being pruned. */
  static final Duration MIN_MINUTE_RETENTION = Duration.ofHours(25);
  /** A 30 d report is drawn from hours. */
  static final Duration MIN_HOUR_RETENTION = Duration.ofDays(31);

  public static TelemetrySettings fromConfig(Config root) {
    String base = "ispcache.admin.telemetry.";
    Config c = root.getConfig("ispcache.admin.telemetry");
    Duration minutes = duration(c, base, "minute-retention");
    if (minutes.compareTo(MIN_MINUTE_RETENTION) < 0) {
      throw new InvalidSettingException(base + "minute-retention", minutes, "must be at least 25h (the 24h report is drawn from minutes)");
    }
    Duration hours = duration(c, base, "hour-retention");
    if (hours.compareTo(MIN_HOUR_RETENTION) < 0) {
      throw new InvalidSettingException(base + "hour-retention", hours, "must be at least 31d (the 30d report is drawn from hours)");
    }
    Duration every = duration(c, base, "roll-up-interval");
    if (every.compareTo(Duration.ofHours(1)) > 0) {
      throw new InvalidSettingException(base + "roll-up-interval", every, "must be at most 1h");
    }
    int pending;
    try {
      pending = c.getInt("max-pending-samples");
    } catch (ConfigException e) {
      throw new InvalidSettingException(base + "max-pending-samples", null, "must be a whole number");
    }
    if (pending < 1000) {
      throw new InvalidSettingException(base + "max-pending-samples", pending, "must be at least 1000");
    }
    return new TelemetrySettings(minutes, hours, every, pending);
  }

  private static Duration duration(Config c, String base, String key) {
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException(base + key, null, "must be a duration such as 48h");
    }
    if (d.isZero() || d.isNegative()) {
      throw new InvalidSettingException(base + key, d, "must be positive");
    }
    return d;
  }
}
