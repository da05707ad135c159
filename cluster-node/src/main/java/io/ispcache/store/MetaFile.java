package io.ispcache.store;

import io.ispcache.freshness.ResponseHeaders;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/** An object's meta on disk, as a small properties file written by rename. */
final class MetaFile {
  private MetaFile() {}

  /** Writes the meta; answers the file's size. */
  static int write(Path file, ObjectMeta meta) throws IOException {
    byte[] bytes = encode(meta);
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.createDirectories(file.getParent());
    Files.write(temp, bytes);
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return bytes.length;
  }

  /** The file's bytes: the same for the same meta (no time stamp), so its size can be counted first. */
  static byte[] encode(ObjectMeta meta) {
    Properties p = new Properties();
    p.setProperty("key", meta.key());
    p.setProperty("length", Long.toString(meta.length()));
    if (meta.etag() != null) {
      p.setProperty("etag", meta.etag());
    }
    if (meta.lastModified() != null) {
      p.setProperty("lastModified", meta.lastModified());
    }
    if (meta.contentType() != null) {
      p.setProperty("contentType", meta.contentType());
    }
    p.setProperty("storedAt", Long.toString(meta.storedAtEpochMillis()));
    p.setProperty("validatedAt", Long.toString(meta.validatedAtMillis()));
    p.setProperty("initialAge", Long.toString(meta.initialAgeMillis()));
    p.setProperty("headers", meta.headers().encode());
    StringWriter w = new StringWriter();
    try {
      p.store(w, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    String text = w.toString();
    // Properties.store begins with a comment line of the time; loading ignores it.
    if (text.startsWith("#")) {
      text = text.substring(text.indexOf('\n') + 1);
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** The meta, or empty when the file is unreadable or not ours. */
  static Optional<ObjectMeta> read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
      String key = p.getProperty("key");
      if (key == null) {
        return Optional.empty();
      }
      return Optional.of(
          new ObjectMeta(
              key,
              Long.parseLong(p.getProperty("length")),
              p.getProperty("etag"),
              p.getProperty("lastModified"),
              p.getProperty("contentType"),
              Long.parseLong(p.getProperty("storedAt", "0")),
              null,
              ResponseHeaders.decode(p.getProperty("headers")),
              Long.parseLong(p.getProperty("validatedAt", "0")),
              Long.parseLong(p.getProperty("initialAge", "0"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
