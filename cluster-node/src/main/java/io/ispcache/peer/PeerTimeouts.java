package io.ispcache.peer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import java.time.Duration;

/**
 * How long a pull from a peer may take at each step, read once from {@code ispcache.peer}: a dead
 * or silent peer costs its puller at most these, after which the chunk is taken from another
 * holder or the origin.
 */
public record PeerTimeouts(Duration connect, Duration response, Duration idle) {
  public static PeerTimeouts fromConfig(Config root) {
    Config c = root.getConfig("ispcache.peer");
    return new PeerTimeouts(duration(c, "connect-timeout"), duration(c, "response-timeout"), duration(c, "idle-timeout"));
  }

  private static Duration duration(Config c, String key) {
    Duration d;
    try {
      d = c.getDuration(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.peer." + key, null, "must be a duration such as 2s");
    }
    if (d.isZero() || d.isNegative()) {
      throw new InvalidSettingException("ispcache.peer." + key, d, "must be positive");
    }
    return d;
  }
}
