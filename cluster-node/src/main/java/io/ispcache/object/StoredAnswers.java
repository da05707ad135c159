package io.ispcache.object;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.util.ByteString;
import io.ispcache.freshness.Freshness;
import io.ispcache.freshness.ResponseHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Small origin answers other than an object's bytes, kept whole in memory for as long as their
 * origin says they are fresh (RFC 9111 §3, §4.2.2): the redirects, 404s and 410s that clients
 * ask for again and again. Only statuses cacheable by default, only with an explicit lifetime
 * ({@code max-age}, {@code s-maxage}, {@code Expires}, or the origin entry's fixed freshness; no
 * heuristic, and an {@code immutable} origin's setting does not make an error permanent), only
 * what a shared cache may store. Bounded in entries and bytes, least recently used out first; a
 * node keeps its own (they are cheap to ask again, and not worth a cluster round trip).
 */
final class StoredAnswers {
  /** Statuses heuristically cacheable (RFC 9110 §15.1) that are not an object's bytes. */
  static final Set<Integer> CACHEABLE = Set.of(203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

  /** The largest body kept: the origin client reads relayed bodies up to this size whole. */
  static final int MAX_BODY = 64 * 1024;

  private final long maxBytes;
  private final int maxEntries;
  private long bytes;
  private final LinkedHashMap<String, Answer> answers = new LinkedHashMap<>(256, 0.75f, true);

  /** One stored answer. */
  record Answer(
      akka.http.javadsl.model.StatusCode status, ResponseHeaders headers, List<HttpHeader> relayed, HttpEntity.Strict entity, long validatedAt, long lifetime, long initialAge) {
    /** What it holds: its body, both forms of its header fields, and the bookkeeping. */
    long size() {
      long fields = 0;
      for (ResponseHeaders.Field f : headers.fields()) {
        fields += 2L * (f.name().length() + f.value().length()) + 64;
      }
      return entity.getData().size() + 2 * fields + 256L;
    }
  }

  StoredAnswers(long maxBytes, int maxEntries) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  /** Keeps {@code response} for {@code key} if the rules above allow it; says whether it did. */
  boolean offer(String key, io.ispcache.origin.Origin origin, HttpResponse response, long now) {
    int status = response.status().intValue();
    if (!CACHEABLE.contains(status) || !(response.entity() instanceof HttpEntity.Strict strict)
        || strict.getData().size() > MAX_BODY) {
      return false;
    }
    List<Map.Entry<String, String>> block = new ArrayList<>();
    for (HttpHeader h : response.getHeaders()) {
      block.add(Map.entry(h.name(), h.value()));
    }
    ResponseHeaders headers = ResponseHeaders.fromOrigin(block);
    if (!headers.storable() || headers.control().has("no-cache")) {
      return false;
    }
    Freshness.Policy policy =
        origin.freshness().kind() == Freshness.Policy.Kind.FIXED ? origin.freshness() : Freshness.Policy.ORIGIN;
    long lifetime = Freshness.lifetime(headers, null, policy, Freshness.Heuristic.OFF);
    if (lifetime <= 0) {
      return false;
    }
    List<HttpHeader> relayed = new ArrayList<>();
    for (HttpHeader h : response.getHeaders()) {
      if (!h.is("age") && !h.is("set-cookie") && !h.is("set-cookie2")) {
        relayed.add(h);
      }
    }
    Answer answer = new Answer(response.status(), headers, List.copyOf(relayed), strict, now, lifetime, Freshness.initialAge(headers, now));
    synchronized (this) {
      Answer before = answers.put(key, answer);
      if (before != null) {
        bytes -= before.size();
      }
      bytes += answer.size();
      var oldest = answers.entrySet().iterator();
      while ((bytes > maxBytes || answers.size() > maxEntries) && oldest.hasNext()) {
        bytes -= oldest.next().getValue().size();
        oldest.remove();
      }
    }
    return true;
  }

  /** The fresh stored answer for {@code key}, as the client gets it, or empty (a stale one is dropped). */
  Optional<HttpResponse> fresh(String key, long now) {
    Answer a;
    synchronized (this) {
      if (answers.isEmpty()) {
        return Optional.empty();
      }
      a = answers.get(key);
      if (a == null) {
        return Optional.empty();
      }
      if (Freshness.currentAge(a.initialAge(), a.validatedAt(), now) >= a.lifetime()) {
        answers.remove(key);
        bytes -= a.size();
        return Optional.empty();
      }
    }
    long age = Freshness.currentAge(a.initialAge(), a.validatedAt(), now);
    List<HttpHeader> headers = new ArrayList<>(a.relayed().size() + 2);
    headers.addAll(a.relayed());
    headers.add(RawHeader.create("Age", Long.toString(age / 1000)));
    headers.add(RawHeader.create("Via", ResponseHeaders.VIA));
    return Optional.of(HttpResponse.create().withStatus(a.status()).addHeaders(headers).withEntity(a.entity()));
  }

  /** Forgets what is kept under keys starting with {@code prefix} (an operator's purge). */
  synchronized void forgetPrefix(String prefix) {
    var all = answers.entrySet().iterator();
    while (all.hasNext()) {
      var e = all.next();
      if (e.getKey().startsWith(prefix)) {
        bytes -= e.getValue().size();
        all.remove();
      }
    }
  }

  /** Forgets what is kept for {@code key} (its object was stored, or purged). */
  synchronized void forget(String key) {
    Answer a = answers.remove(key);
    if (a != null) {
      bytes -= a.size();
    }
  }
}
