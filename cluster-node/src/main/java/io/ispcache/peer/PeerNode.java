package io.ispcache.peer;

/**
 * How the cluster names a cache node in the object directory: its Akka address (so departed
 * members can be recognised) and where its chunk transfer port listens.
 */
public record PeerNode(String akkaAddress, String host, int port) {
  private static final char SEPARATOR = '#';

  public String id() {
    return akkaAddress + SEPARATOR + host + ":" + port;
  }

  /** Parses {@link #id()}; throws IllegalArgumentException for anything else. */
  public static PeerNode parse(String id) {
    int hash = id.lastIndexOf(SEPARATOR);
    int colon = id.lastIndexOf(':');
    if (hash <= 0 || colon <= hash + 1 || colon == id.length() - 1) {
      throw new IllegalArgumentException("not a peer node id: " + id);
    }
    return new PeerNode(
        id.substring(0, hash), id.substring(hash + 1, colon), Integer.parseInt(id.substring(colon + 1)));
  }

  /** The Akka address part of a node id. */
  public static String akkaAddressOf(String id) {
    int hash = id.lastIndexOf(SEPARATOR);
    return hash < 0 ? id : id.substring(0, hash);
  }
}
