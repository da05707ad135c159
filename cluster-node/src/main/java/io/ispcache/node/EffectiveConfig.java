package io.ispcache.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The settings an operator chose, as the process resolved them, with every secret redacted: for
 * the log at start and for support bundles ({@code --print-config}).
 */
final class EffectiveConfig {
  /** Any setting whose name says it holds a secret (peer secret, node and operator keys, DB passwords). */
  static final Pattern SECRET = Pattern.compile("(?i).*(secret|key|password|token)[^.]*$");

  static final String REDACTED = "<redacted>";

  /** The subtrees shown: ispcache's own, the cluster's shape and the registry's database. */
  static final List<String> SHOWN =
      List.of(
          "ispcache",
          "akka.cluster.roles",
          "akka.cluster.seed-nodes",
          "akka.remote.artery.canonical",
          "akka.management.http.hostname",
          "akka.management.http.port",
          "akka-persistence-jdbc.shared-databases.registry.db.url",
          "akka-persistence-jdbc.shared-databases.registry.db.user",
          "akka-persistence-jdbc.shared-databases.registry.db.password");

  private EffectiveConfig() {}

  /** The shown settings of {@code config}, secrets replaced by {@value #REDACTED}. */
  static Config redacted(Config config) {
    Config out = ConfigFactory.empty();
    for (String root : SHOWN) {
      if (!config.hasPath(root)) {
        continue;
      }
      ConfigValue value = config.getValue(root);
      if (value.valueType() == ConfigValueType.OBJECT) {
        for (Map.Entry<String, ConfigValue> e : config.getConfig(root).entrySet()) {
          String path = root + "." + e.getKey();
          out = out.withValue(path, redact(path, e.getValue()));
        }
      } else {
        out = out.withValue(root, redact(root, value));
      }
    }
    return out;
  }

  /** HOCON text of {@link #redacted}, one setting per line. */
  static String render(Config config) {
    return redacted(config).root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false));
  }

  private static ConfigValue redact(String path, ConfigValue value) {
    boolean secretName = SECRET.matcher(path).matches();
    boolean hasContent = value.valueType() == ConfigValueType.STRING && !((String) value.unwrapped()).isEmpty();
    return secretName && hasContent ? ConfigValueFactory.fromAnyRef(REDACTED) : value;
  }
}
