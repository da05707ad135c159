package io.ispcache.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The number of the last purge this node applied, kept in one small file (written whole and
 * renamed into place) so a restarted node asks only for newer ones. Losing the file costs time,
 * not correctness: a purge applied twice drops nothing the second time, since it spares objects
 * stored after it.
 */
final class AppliedPurges {
  private static final Logger log = LoggerFactory.getLogger(AppliedPurges.class);

  private final Path file;

  AppliedPurges(Path file) {
    this.file = file;
  }

  /** The number saved last, 0 when there is none or it cannot be read. */
  long load() {
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (java.nio.file.NoSuchFileException e) {
      return 0;
    } catch (IOException | NumberFormatException e) {
      log.warn("cannot read the last applied purge from {} ({}); asking for every purge again", file, e.toString());
      return 0;
    }
  }

  void save(long seq) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, seq + "\n", StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("cannot save the last applied purge ({}) to {}: {}", seq, file, e.toString());
    }
  }
}
