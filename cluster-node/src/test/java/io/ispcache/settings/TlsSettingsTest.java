package io.ispcache.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.agent.AgentSettings;
import io.ispcache.api.AdminSettings;
import io.ispcache.testing.TestKeystores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way the admin port's keystore and the agent's trust store can be wrong stops the start, naming the setting. */
class TlsSettingsTest {
  @TempDir static Path dir;
  static TestKeystores tls;

  @BeforeAll
  static void keystores() throws Exception {
    tls = TestKeystores.create(dir, "admin");
  }

  static Config config(String hocon) {
    return ConfigFactory.parseString("ispcache.data-dir = \"" + dir + "\"\n" + hocon).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  static AdminSettings admin(String hocon) {
    return AdminSettings.fromConfig(config("ispcache.admin { " + hocon + " }"));
  }

  static String keystore(Path path, String password) {
    return "tls { keystore = \"" + path + "\", keystore-password = \"" + password + "\" }";
  }

  static void refused(String setting, String rule, Runnable start) {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, start::run);
    assertEquals(setting, e.setting(), e.getMessage());
    assertTrue(e.rule().contains(rule), e.getMessage());
  }

  @Test
  void plainHttpIsServedOnLoopbackOnly() {
    assertTrue(admin("interface = \"127.0.0.1\"").https().isEmpty(), "loopback development stays plain HTTP");
    assertTrue(admin("interface = \"::1\"").https().isEmpty());
    refused("ispcache.admin.interface", "set ispcache.admin.tls.keystore", () -> admin("interface = \"0.0.0.0\""));
    assertTrue(admin("interface = \"0.0.0.0\", tls.plain-http-beyond-loopback = true").https().isEmpty(), "a lab may say so");
    assertTrue(admin("interface = \"0.0.0.0\", " + keystore(tls.keystore, TestKeystores.PASSWORD)).https().isPresent());
  }

  @Test
  void aKeystoreThatCannotServeIsRefusedAtStart() throws Exception {
    String setting = "ispcache.admin.tls.keystore";
    refused(setting, "absolute path", () -> admin("tls.keystore = \"admin.p12\""));
    refused(setting, "no such file", () -> admin(keystore(dir.resolve("absent.p12"), TestKeystores.PASSWORD)));
    refused(setting, "password does not open it", () -> admin(keystore(tls.keystore, "not-the-password")));
    refused(setting, "no private key", () -> admin(keystore(tls.truststore, TestKeystores.PASSWORD)));
    Path pem = Files.writeString(dir.resolve("admin.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    refused(setting, "PKCS12", () -> admin(keystore(pem, TestKeystores.PASSWORD)));
  }

  static AgentSettings agent(String hocon) {
    return AgentSettings.fromConfig(config("ispcache.agent { customer-id = c, cache-node-id = n, node-key = k, " + hocon + " }")).orElseThrow();
  }

  @Test
  void theAgentSendsItsKeyInClearToLoopbackOnlyAndTrustsWhatItIsTold() {
    assertTrue(agent("registry-url = \"http://127.0.0.1:9090\"").trust().isEmpty());
    refused("ispcache.agent.registry-url", "in clear", () -> agent("registry-url = \"http://192.0.2.10:9090\""));
    assertTrue(agent("registry-url = \"http://192.0.2.10:9090\", plain-http-beyond-loopback = true").trust().isEmpty());
    assertTrue(agent("registry-url = \"https://192.0.2.10:9090\"").trust().isEmpty(), "no trust store: the JVM's CAs");
    String trust = "registry-url = \"https://192.0.2.10:9090\", trust-store-password = \"" + TestKeystores.PASSWORD + "\", trust-store = ";
    assertTrue(agent(trust + "\"" + tls.truststore + "\"").trust().isPresent());
    refused("ispcache.agent.trust-store", "absolute path", () -> agent(trust + "\"trust.p12\""));
    refused("ispcache.agent.trust-store", "no such file", () -> agent(trust + "\"" + dir.resolve("absent.p12") + "\""));
    refused("ispcache.agent.trust-store", "password does not open it",
        () -> agent("registry-url = \"https://192.0.2.10:9090\", trust-store = \"" + tls.truststore + "\", trust-store-password = wrong"));
  }

  @Test
  void onlyTls13AndForwardSecretAeadSuitesOfTls12AreOffered() {
    SSLParameters p = Pkcs12.parameters(Pkcs12.serverContext("test", tls.keystore, TestKeystores.PASSWORD.toCharArray()));
    assertEquals(List.of("TLSv1.3", "TLSv1.2"), Arrays.asList(p.getProtocols()));
    assertTrue(Arrays.asList(p.getCipherSuites()).contains("TLS_AES_128_GCM_SHA256"));
    assertTrue(Arrays.asList(p.getCipherSuites()).contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
    assertFalse(Arrays.stream(p.getCipherSuites()).anyMatch(s -> s.contains("CBC") || s.startsWith("TLS_RSA_") || s.contains("_SHA_") || s.contains("EMPTY")),
        Arrays.toString(p.getCipherSuites()));
  }
}
