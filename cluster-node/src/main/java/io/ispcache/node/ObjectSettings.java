package io.ispcache.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import java.time.Duration;

/** Coordination of fills, read once from {@code ispcache.object}. */
record ObjectSettings(Duration askTimeout, Duration leaseTimeout, int readAheadChunks) {
  static ObjectSettings fromConfig(Config root) {
    Config c = root.getConfig("ispcache.object");
    int readAhead;
    try {
      readAhead = c.getInt("read-ahead-chunks");
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.object.read-ahead-chunks", null, "must be a whole number");
    }
    if (readAhead < 0 || readAhead > 16) {
      throw new InvalidSettingException("ispcache.object.read-ahead-chunks", readAhead, "must be 0 to 16");
    }
    return new ObjectSettings(
        duration(c, "ask-timeout"), duration(c, "lease-timeout"), readAhead);
  }

  private static Duration duration(Config c, String key) {
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.object." + key, null, "must be a duration such as 5s");
    }
    if (d.isZero() || d.isNegative()) {
      throw new InvalidSettingException("ispcache.object." + key, d, "must be positive");
    }
    return d;
  }
}
