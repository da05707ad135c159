package io.ispcache.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import java.time.Duration;

/** Coordination of fills, read once from {@code ispcache.object}. */
record ObjectSettings(Duration askTimeout, Duration askTimeoutAnswering, Duration askTimeoutAfterMemberLoss, Duration leaseTimeout, int readAheadChunks) {
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
    Duration ask = duration(c, "ask-timeout");
    Duration answering = notAbove(c, "ask-timeout-answering", ask);
    Duration afterLoss = notAbove(c, "ask-timeout-after-member-loss", ask);
    return new ObjectSettings(ask, answering, afterLoss, duration(c, "lease-timeout"), readAhead);
  }

  private static Duration notAbove(Config c, String key, Duration ask) {
    Duration d = duration(c, key);
    if (d.compareTo(ask) > 0) {
      throw new InvalidSettingException("ispcache.object." + key, d, "must not exceed ispcache.object.ask-timeout (" + ask.toMillis() + "ms)");
    }
    return d;
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
