package io.ispcache.content;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import io.ispcache.content.server.FileResponse;
import io.ispcache.content.server.RequestHead;
import io.ispcache.store.ObjectMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The content port's side of conditional requests: the precondition fields read from either form
 * of a request (the server's {@link RequestHead} on the direct path, Akka's {@link HttpRequest}
 * otherwise), and the 304 answered from a stored object's meta.
 */
final class ConditionalRequests {
  private ConditionalRequests() {}

  /** The request's precondition fields, or null when it has none (the usual case, kept cheap). */
  static Preconditions.Fields fields(RequestHead head) {
    Collected c = null;
    for (RequestHead.Header h : head.headers()) {
      if (isPrecondition(h.name())) {
        c = c == null ? new Collected() : c;
        c.add(h.name(), h.value());
      }
    }
    return c == null ? null : c.fields();
  }

  /** As {@link #fields(RequestHead)}, of an Akka request. */
  static Preconditions.Fields fields(HttpRequest request) {
    Collected c = null;
    for (HttpHeader h : request.getHeaders()) {
      if (isPrecondition(h.name())) {
        c = c == null ? new Collected() : c;
        c.add(h.name(), h.value());
      }
    }
    return c == null ? null : c.fields();
  }

  /**
   * A 304 for a stored object: the headers a 200 would carry that RFC 9110 §15.4.5 asks of a 304
   * (the validators, and the cache status), and no body nor Content-Length. Every 304 the content
   * port sends is built here.
   */
  static FileResponse notModified(ObjectMeta meta, String cacheStatus) {
    List<RequestHead.Header> headers = new ArrayList<>(5 + meta.headers().fields().size());
    if (meta.etag() != null) {
      headers.add(new RequestHead.Header("ETag", meta.etag()));
    }
    if (meta.lastModified() != null) {
      headers.add(new RequestHead.Header("Last-Modified", meta.lastModified()));
    }
    headers.add(new RequestHead.Header(ContentService.CACHE_STATUS, cacheStatus));
    // The stored fields a 200 would carry (Cache-Control, Expires, Vary, Content-Location…): the
    // client's copy is updated by them (RFC 9111 §4.3.4), and its age with Age.
    for (io.ispcache.freshness.ResponseHeaders.Field f : meta.headers().fields()) {
      headers.add(new RequestHead.Header(f.name(), f.value()));
    }
    headers.add(new RequestHead.Header("Age", Long.toString(meta.ageMillis(System.currentTimeMillis()) / 1000)));
    return new FileResponse(304, headers, 0, FileResponse.NO_PARTS, () -> {});
  }

  /** If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since; not If-Range (§13.1.5). */
  private static boolean isPrecondition(String name) {
    int n = name.length();
    return (n == 8 || n == 13 || n == 17 || n == 19)
        && name.regionMatches(true, 0, "If-", 0, 3)
        && !name.equalsIgnoreCase("If-Range");
  }

  /** Field lines of one name joined with ", " (RFC 9110 §5.3). */
  private static final class Collected {
    String ifMatch;
    String ifNoneMatch;
    String ifModifiedSince;
    String ifUnmodifiedSince;

    void add(String name, String value) {
      if (name.equalsIgnoreCase("If-Match")) {
        ifMatch = join(ifMatch, value);
      } else if (name.equalsIgnoreCase("If-None-Match")) {
        ifNoneMatch = join(ifNoneMatch, value);
      } else if (name.equalsIgnoreCase("If-Modified-Since")) {
        ifModifiedSince = join(ifModifiedSince, value);
      } else if (name.equalsIgnoreCase("If-Unmodified-Since")) {
        ifUnmodifiedSince = join(ifUnmodifiedSince, value);
      }
    }

    Preconditions.Fields fields() {
      Preconditions.Fields f = new Preconditions.Fields(ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince);
      return f.any() ? f : null;
    }

    private static String join(String before, String value) {
      return before == null ? value : before + ", " + value;
    }
  }
}
