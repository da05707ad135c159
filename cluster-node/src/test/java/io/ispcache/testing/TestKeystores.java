package io.ispcache.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PKCS12 files made the way README tells operators to, with the JDK's keytool: a server keystore
 * whose self-signed certificate names 127.0.0.1, and a trust store holding that certificate.
 */
public final class TestKeystores {
  public static final String PASSWORD = "keystore-password-for-tests";

  public final Path keystore;
  public final Path truststore;

  private TestKeystores(Path keystore, Path truststore) {
    this.keystore = keystore;
    this.truststore = truststore;
  }

  /** A key pair for 127.0.0.1 under {@code dir}/{@code name}.p12 and its certificate under {@code name}-trust.p12. */
  public static TestKeystores create(Path dir, String name) throws IOException, InterruptedException {
    Path keystore = dir.resolve(name + ".p12");
    Path cert = dir.resolve(name + ".crt");
    Path truststore = dir.resolve(name + "-trust.p12");
    keytool("-genkeypair", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-alias", name,
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2");
    keytool("-exportcert", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-alias", name, "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", PASSWORD,
        "-alias", name, "-file", cert.toString());
    return new TestKeystores(keystore, truststore);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + output);
    }
  }
}
