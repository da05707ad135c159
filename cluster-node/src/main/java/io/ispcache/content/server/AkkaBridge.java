package io.ispcache.content.server;

import akka.http.javadsl.model.AttributeKeys;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpMethod;
import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpProtocols;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.RemoteAddress;
import akka.http.javadsl.model.RequestEntityAcceptances;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.Uri;
import akka.http.javadsl.model.headers.RawHeader;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Turns a parsed request head into the Akka HTTP request the cache's handler takes. */
final class AkkaBridge {
  private AkkaBridge() {}

  /** @throws akka.http.scaladsl.model.IllegalUriException the target is not a valid URI */
  static HttpRequest request(RequestHead head, InetSocketAddress remote) {
    return request(head, remote, null);
  }

  /**
   * With the request's {@code body} as its entity when it was read (null: none). Its Content-Type
   * stays among the raw header fields, which are what is forwarded.
   */
  static HttpRequest request(RequestHead head, InetSocketAddress remote, akka.util.ByteString body) {
    HttpMethod method =
        HttpMethods.lookup(head.method())
            .orElseGet(() -> HttpMethods.custom(head.method(), false, false, RequestEntityAcceptances.Tolerated));
    List<HttpHeader> headers = new ArrayList<>(head.headers().size());
    for (RequestHead.Header h : head.headers()) {
      headers.add(RawHeader.create(h.name(), h.value()));
    }
    return HttpRequest.create()
        .withMethod(method)
        .withUri(Uri.create(head.target()))
        .withProtocol(head.http11() ? HttpProtocols.HTTP_1_1 : HttpProtocols.HTTP_1_0)
        .addHeaders(headers)
        .addAttribute(AttributeKeys.remoteAddress, RemoteAddress.create(remote))
        .addAttribute(ContentHandler.REQUEST_TARGET, head.target())
        .withEntity(body == null ? akka.http.javadsl.model.HttpEntities.EMPTY : akka.http.javadsl.model.HttpEntities.create(body));
  }

  static String reason(int status) {
    return StatusCodes.get(status).reason();
  }
}
