package io.ispcache.content.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A hand-written HTTP/1.1 client for wire-level tests: exact bytes out, responses parsed strictly. */
public final class RawHttp implements AutoCloseable {
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final Socket socket;
  private final InputStream in;

  public RawHttp(int port) throws IOException {
    this("127.0.0.1", port);
  }

  /** A connection from {@code source}, a loopback address (127.0.0.2 is a second client). */
  public RawHttp(String source, int port) throws IOException {
    socket = new Socket(java.net.InetAddress.getByName("127.0.0.1"), port, java.net.InetAddress.getByName(source), 0);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
  }

  public RawHttp send(String request) throws IOException {
    return send(request.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] request) throws IOException {
    socket.getOutputStream().write(request);
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads one response; {@code head}: the request was HEAD, so no body follows. */
  public Response read(boolean head) throws IOException {
    String statusLine = line();
    if (!statusLine.startsWith("HTTP/1.1 ")) {
      throw new IOException("not a status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (!head) {
      if (headers.containsKey("content-length")) {
        body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
      } else if ("chunked".equals(headers.get("transfer-encoding"))) {
        for (int size = Integer.parseInt(line(), 16); size > 0; size = Integer.parseInt(line(), 16)) {
          body.write(in.readNBytes(size));
          if (!line().isEmpty()) {
            throw new IOException("chunk not followed by CRLF");
          }
        }
        if (!line().isEmpty()) {
          throw new IOException("no blank line after the last chunk");
        }
      } else {
        body.write(in.readAllBytes());
      }
    }
    return new Response(status, headers, body.toByteArray());
  }

  public Response read() throws IOException {
    return read(false);
  }

  /** Whether the server has closed the connection (EOF before any further byte). */
  /**
   * Whether the server sends nothing for {@code millis}: it is still waiting for the rest of the
   * request. A byte that arrives is consumed (the caller's assertion fails anyway).
   */
  public boolean silentFor(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      in.read();
      return false;
    } catch (java.net.SocketTimeoutException e) {
      return true;
    } finally {
      socket.setSoTimeout(20_000);
    }
  }

  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed mid-line after: " + b);
      }
      if (c == '\n') {
        if (b.length() == 0 || b.charAt(b.length() - 1) != '\r') {
          throw new IOException("bare LF in a response line: " + b);
        }
        return b.substring(0, b.length() - 1);
      }
      b.append((char) c);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
