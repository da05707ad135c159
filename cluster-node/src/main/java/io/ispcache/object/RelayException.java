package io.ispcache.object;

import akka.http.javadsl.model.HttpResponse;

/** The origin's answer is not cacheable content (404, 410, no-store…): relay it to the client. */
public final class RelayException extends RuntimeException {
  private final transient HttpResponse response;

  public RelayException(HttpResponse response) {
    super("origin answered " + response.status().intValue(), null, false, false);
    this.response = response;
  }

  public HttpResponse response() {
    return response;
  }
}
