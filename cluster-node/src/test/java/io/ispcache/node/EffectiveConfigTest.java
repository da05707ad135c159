package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class EffectiveConfigTest {
  @Test
  void everySecretIsRedactedAndEverythingElseShown() {
    String text =
        EffectiveConfig.render(
            NodeConfig.load(
                ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "ispcache.peer.secret = \"peer-secret-value-0123456789abcdef\"",
                        "ispcache.agent.node-key = \"node-key-value-42\"",
                        "ispcache.admin.operator-key = \"operator-key-value-4242424242\"",
                        "akka-persistence-jdbc.shared-databases.registry.db.password = \"db-password-value\"",
                        "ispcache.content.port = 8081",
                        "akka.cluster.roles = [cache]"))));
    for (String secret : new String[] {"peer-secret-value", "node-key-value", "operator-key-value", "db-password-value"}) {
      assertFalse(text.contains(secret), secret + " in\n" + text);
    }
    assertTrue(text.contains("secret=\"<redacted>\""), text);
    assertTrue(text.contains("node-key=\"<redacted>\""), text);
    assertTrue(text.contains("password=\"<redacted>\""), text);
    assertTrue(text.contains("port=8081"), text);
    assertTrue(text.matches("(?s).*roles=\\[\\s*cache\\s*\\].*"), text);
  }

  @Test
  void emptySecretsStayEmptySoTheReaderSeesTheyAreUnset() {
    String text = EffectiveConfig.render(NodeConfig.load(ConfigFactory.parseString("ispcache.peer.secret=\"\"")));
    assertTrue(text.contains("secret=\"\""), text);
  }
}
