package io.ispcache.agent;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a cache node follows the registry's purges, from {@code ispcache.purge}; the number of the
 * last purge applied is kept in {@code <data-dir>/purges-applied}.
 */
public record PurgeSettings(Duration pollInterval, Duration askTimeout, Path appliedFile) {

  public static PurgeSettings fromConfig(Config root) {
    Config c = root.getConfig("ispcache.purge");
    return new PurgeSettings(
        positive(c, "poll-interval"), positive(c, "ask-timeout"), Path.of(root.getString("ispcache.data-dir"), "purges-applied"));
  }

  private static Duration positive(Config c, String key) {
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.purge." + key, null, "must be a duration such as 30s");
    }
    if (d.isZero() || d.isNegative()) {
      throw new InvalidSettingException("ispcache.purge." + key, d, "must be positive");
    }
    return d;
  }
}
