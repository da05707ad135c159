package io.ispcache.store;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ispcache.settings.InvalidSettingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The chunk store's settings, read once from {@code ispcache.store} and validated. */
public record StoreSettings(
    List<DriveSettings> drives,
    int chunkSize,
    int readBufferSize,
    long memoryBytes,
    boolean directWrites,
    int openFiles,
    long minFreeSpace,
    boolean readBack) {
  static final long MIN_CHUNK = 256 * 1024;
  static final long MAX_CHUNK = 64 * 1024 * 1024;
  /** Chunk files kept open for hits by default ({@code ispcache.store.open-files}). */
  static final int OPEN_FILES = 1024;
  static final int MAX_OPEN_FILES = 65536;
  /** Free space a drive's file system keeps for its other users by default ({@code ispcache.store.min-free-space}). */
  static final long MIN_FREE_SPACE = 1L << 30;

  public StoreSettings(List<DriveSettings> drives, int chunkSize, int readBufferSize, long memoryBytes, boolean directWrites) {
    this(drives, chunkSize, readBufferSize, memoryBytes, directWrites, OPEN_FILES, MIN_FREE_SPACE);
  }

  public StoreSettings(
      List<DriveSettings> drives, int chunkSize, int readBufferSize, long memoryBytes, boolean directWrites, int openFiles, long minFreeSpace) {
    this(drives, chunkSize, readBufferSize, memoryBytes, directWrites, openFiles, minFreeSpace, false);
  }

  /** With the default memory for chunks. */
  public StoreSettings(List<DriveSettings> drives, int chunkSize, int readBufferSize) {
    this(drives, chunkSize, readBufferSize, autoMemory(), true);
  }

  public StoreSettings(List<DriveSettings> drives, int chunkSize, int readBufferSize, long memoryBytes) {
    this(drives, chunkSize, readBufferSize, memoryBytes, true);
  }

  /** {@code memory = auto}: a quarter of the heap, at most 256 MiB. */
  static long autoMemory() {
    return Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4);
  }

  public static StoreSettings fromConfig(Config config) {
    Config c = config.getConfig("ispcache.store");
    long chunk = bytes(c, "chunk-size");
    if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
      throw new InvalidSettingException("ispcache.store.chunk-size", chunk, "must be 256KiB to 64MiB");
    }
    long buffer = bytes(c, "read-buffer-size");
    if (buffer < 4096 || buffer > 4 * 1024 * 1024) {
      throw new InvalidSettingException("ispcache.store.read-buffer-size", buffer, "must be 4KiB to 4MiB");
    }
    long memory =
        !c.hasPath("memory") || "auto".equals(c.getValue("memory").unwrapped()) ? autoMemory() : bytes(c, "memory");
    long heap = Runtime.getRuntime().maxMemory();
    if (memory < 0 || memory > heap / 2) {
      throw new InvalidSettingException(
          "ispcache.store.memory", memory, "must be 0 to half the JVM's heap (" + heap / 2 + " bytes; raise -Xmx for more)");
    }
    List<? extends Config> entries;
    try {
      entries = c.getConfigList("drives");
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.store.drives", null, "must be a list of { path, size } objects");
    }
    if (entries.isEmpty() || entries.size() > 10) {
      throw new InvalidSettingException("ispcache.store.drives", entries.size() + " drives", "must list 1 to 10 drives");
    }
    List<DriveSettings> drives = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String prefix = "ispcache.store.drives[" + i + "]";
      Config d = entries.get(i);
      String raw = d.hasPath("path") ? d.getString("path") : null;
      Path path = DrivePathRules.check(prefix + ".path", raw);
      long size;
      try {
        size = d.getBytes("size");
      } catch (ConfigException e) {
        throw new InvalidSettingException(prefix + ".size", d.hasPath("size") ? d.getValue("size").unwrapped() : null, "must be a size such as 500GiB");
      }
      if (size < chunk) {
        throw new InvalidSettingException(prefix + ".size", size, "must hold at least one chunk (" + chunk + " bytes)");
      }
      drives.add(new DriveSettings(path, size));
      paths.add(path);
    }
    DrivePathRules.checkDisjoint(paths);
    boolean direct;
    try {
      direct = !c.hasPath("direct-writes") || c.getBoolean("direct-writes");
    } catch (ConfigException e) {
      throw new InvalidSettingException(
          "ispcache.store.direct-writes", c.hasPath("direct-writes") ? c.getValue("direct-writes").unwrapped() : null, "must be on or off");
    }
    boolean readBack;
    try {
      readBack = c.hasPath("read-back") && c.getBoolean("read-back");
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.store.read-back", c.getValue("read-back").unwrapped(), "must be on or off");
    }
    int openFiles;
    try {
      openFiles = c.hasPath("open-files") ? c.getInt("open-files") : OPEN_FILES;
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.store.open-files", c.getValue("open-files").unwrapped(), "must be a whole number");
    }
    if (openFiles < 0 || openFiles > MAX_OPEN_FILES) {
      throw new InvalidSettingException("ispcache.store.open-files", openFiles, "must be 0 (off) to " + MAX_OPEN_FILES);
    }
    long minFree = c.hasPath("min-free-space") ? bytes(c, "min-free-space") : MIN_FREE_SPACE;
    if (minFree < 0) {
      throw new InvalidSettingException("ispcache.store.min-free-space", minFree, "must be 0 or more bytes");
    }
    return new StoreSettings(List.copyOf(drives), (int) chunk, (int) buffer, memory, direct, openFiles, minFree, readBack);
  }

  private static long bytes(Config c, String key) {
    try {
      return c.getBytes(key);
    } catch (ConfigException e) {
      throw new InvalidSettingException("ispcache.store." + key, c.hasPath(key) ? c.getValue(key).unwrapped() : null, "must be a size such as 2MiB");
    }
  }
}
