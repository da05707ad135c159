package io.ispcache.origin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * An origin on 127.0.0.1 that plays a script per connection: for each request head it reads, it
 * runs the next step, which writes whatever it likes (well-formed or not) on the raw socket.
 * Counts connections and requests, keeps the request heads, and notes when the client hung up.
 */
final class ScriptedOrigin implements AutoCloseable {
  /** One answer: writes on the connection; may pause to play a slow or stalling origin. */
  interface Step {
    void answer(OutputStream out) throws IOException, InterruptedException;
  }

  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final List<String> heads = new CopyOnWriteArrayList<>();
  /** Connections the client closed (EOF where a request could start, or while an answer was written). */
  final AtomicInteger clientClosed = new AtomicInteger();
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  /** {@code script}: the steps for connection n (1-based); after them the connection stays open until the client closes it. */
  ScriptedOrigin(IntFunction<List<Step>> script) throws IOException {
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          open.add(s);
          int n = connections.incrementAndGet();
          Thread h = new Thread(() -> serve(s, script.apply(n)), "scripted-origin-" + n);
          h.setDaemon(true);
          h.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "scripted-origin");
    t.setDaemon(true);
    t.start();
  }

  /** Writes {@code text} (ISO-8859-1) in one go. */
  static Step send(String text) {
    return out -> {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    };
  }

  /** Writes {@code text} and closes the connection. */
  static Step sendAndClose(String text) {
    return out -> {
      send(text).answer(out);
      throw new Closing();
    };
  }

  /** Closes the connection without answering: the origin read the request and hung up. */
  static Step hangUp() {
    return out -> {
      throw new Closing();
    };
  }

  /** Writes {@code text} one byte every {@code millis} ms (a slowloris origin). */
  static Step drip(String text, long millis) {
    return out -> {
      for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
        out.write(b);
        out.flush();
        Thread.sleep(millis); // the origin's own pace, not a wait for the test
      }
    };
  }

  static String ok206(String body, long first, long length) {
    return "HTTP/1.1 206 Partial Content\r\nContent-Length: " + body.length() + "\r\nContent-Range: bytes " + first + "-"
        + (first + body.length() - 1) + "/" + length + "\r\nETag: \"x\"\r\n\r\n" + body;
  }

  private static final class Closing extends IOException {
    Closing() {
      super("script closes");
    }
  }

  private void serve(Socket s, List<Step> steps) {
    try (s) {
      InputStream in = s.getInputStream();
      for (Step step : steps) {
        String head = readHead(in);
        if (head == null) {
          hungUp();
          return;
        }
        heads.add(head);
        requests.incrementAndGet();
        step.answer(s.getOutputStream());
      }
      while (in.read() >= 0) {
        // hold the connection open until the client closes it
      }
      hungUp();
    } catch (Closing e) {
      // the script ends the connection
    } catch (IOException | InterruptedException e) {
      hungUp(); // the client went away mid-answer
    }
  }

  private void hungUp() {
    clientClosed.incrementAndGet();
  }

  /** The request head, or null when the client closed the connection first. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.append((char) c);
      matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    return b.toString();
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
  }
}
