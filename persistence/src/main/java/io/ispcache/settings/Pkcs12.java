package io.ispcache.settings;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS from PKCS12 files named in the configuration: a server's keystore (its key and certificate
 * chain) or a client's trust store (the certificates it accepts). Every failure to read one stops the
 * process at start naming the setting, never at the first connection.
 *
 * <p>Modern TLS only: TLS 1.3, and TLS 1.2 with forward-secret AEAD suites (ECDHE with AES-GCM or
 * ChaCha20-Poly1305), as Mozilla's "intermediate" profile; no TLS 1.0/1.1, CBC, RSA key exchange.
 */
public final class Pkcs12 {
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private Pkcs12() {}

  /** A server context holding the key and chain of the PKCS12 file at {@code path}. */
  public static SSLContext serverContext(String setting, Path path, char[] password) {
    KeyStore store = load(setting, path, password);
    try {
      if (Collections.list(store.aliases()).stream().noneMatch(a -> isKey(store, a))) {
        throw new InvalidSettingException(setting, path, "holds no private key with its certificate (make it with keytool -genkeypair or openssl pkcs12 -export)");
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (UnrecoverableKeyException e) {
      throw new InvalidSettingException(setting, path, "its key cannot be read with the keystore's password (the key needs the same password as the file)");
    } catch (GeneralSecurityException e) {
      throw new InvalidSettingException(setting, path, "cannot serve TLS: " + e.getMessage());
    }
  }

  /** A client context that trusts the certificates of the PKCS12 file at {@code path}, and only those. */
  public static SSLContext clientContext(String setting, Path path, char[] password) {
    KeyStore store = load(setting, path, password);
    try {
      if (store.size() == 0) {
        throw new InvalidSettingException(setting, path, "holds no certificate to trust");
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new InvalidSettingException(setting, path, "cannot be used to trust a server: " + e.getMessage());
    }
  }

  /** An engine of {@code context} limited to the protocols and suites above. */
  public static SSLEngine serverEngine(SSLContext context) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setSSLParameters(parameters(context));
    return engine;
  }

  /** The protocols and suites above, as parameters for any socket or client of {@code context}. */
  public static SSLParameters parameters(SSLContext context) {
    SSLParameters p = context.getDefaultSSLParameters();
    p.setProtocols(PROTOCOLS.toArray(String[]::new));
    p.setCipherSuites(Arrays.stream(context.getSupportedSSLParameters().getCipherSuites()).filter(Pkcs12::modern).toArray(String[]::new));
    p.setUseCipherSuitesOrder(true);
    return p;
  }

  static boolean modern(String suite) {
    return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
        || (suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_")));
  }

  private static KeyStore load(String setting, Path path, char[] password) {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      return store;
    } catch (NoSuchFileException e) {
      throw new InvalidSettingException(setting, path, "no such file");
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
        throw new InvalidSettingException(setting, path, "the password does not open it (wrong password, or not a PKCS12 file)");
      }
      throw new InvalidSettingException(setting, path, "is not a readable PKCS12 file: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw new InvalidSettingException(setting, path, "is not a PKCS12 file: " + e.getMessage());
    }
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias) && store.getCertificateChain(alias) != null;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
