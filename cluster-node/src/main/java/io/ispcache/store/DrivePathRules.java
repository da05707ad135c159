package io.ispcache.store;

import io.ispcache.settings.InvalidSettingException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Which directories may be cache drives. A cache deletes what it evicts, so a drive pointed at
 * the wrong place destroys the host: the root, system directories, relative paths and one drive
 * inside another are refused at start.
 */
final class DrivePathRules {
  /** Nothing inside these may be a drive. */
  static final Set<String> SYSTEM =
      Set.of("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/root", "/run", "/sbin", "/sys", "/usr");
  /** These may hold drives in subdirectories, but are never a drive themselves. */
  static final Set<String> TOP_LEVEL = Set.of("/var", "/home", "/opt", "/srv", "/mnt", "/media", "/tmp", "/data");

  private DrivePathRules() {}

  /** The normalised absolute path, or InvalidSettingException naming {@code setting}. */
  static Path check(String setting, String raw) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidSettingException(setting, raw, "must be an absolute directory path, not blank");
    }
    Path path = Path.of(raw.strip());
    if (!path.isAbsolute()) {
      throw new InvalidSettingException(setting, raw, "must be an absolute path (relative paths such as . or ./var are refused)");
    }
    return checkAbsolute(setting, raw, path.normalize());
  }

  static Path checkAbsolute(String setting, String raw, Path path) {
    if (path.getNameCount() == 0) {
      throw new InvalidSettingException(setting, raw, "must not be the root directory");
    }
    String p = path.toString();
    String top = "/" + path.getName(0);
    if (top.startsWith("/lib")) {
      throw new InvalidSettingException(setting, raw, "must not be inside the system directory " + top);
    }
    for (String system : SYSTEM) {
      if (p.equals(system) || p.startsWith(system + "/")) {
        throw new InvalidSettingException(setting, raw, "must not be inside the system directory " + system);
      }
    }
    if (TOP_LEVEL.contains(p)) {
      throw new InvalidSettingException(setting, raw, "must not be " + p + " itself; use a dedicated subdirectory");
    }
    return path;
  }

  /** Refuses a drive equal to or inside another. */
  static void checkDisjoint(List<Path> drives) {
    for (int i = 0; i < drives.size(); i++) {
      for (int j = 0; j < drives.size(); j++) {
        if (i != j && drives.get(i).startsWith(drives.get(j)) && (i > j || !drives.get(i).equals(drives.get(j)))) {
          throw new InvalidSettingException(
              "ispcache.store.drives[" + i + "].path",
              drives.get(i),
              drives.get(i).equals(drives.get(j))
                  ? "is the same directory as ispcache.store.drives[" + j + "].path"
                  : "must not be inside ispcache.store.drives[" + j + "].path (" + drives.get(j) + ")");
        }
      }
    }
  }
}
