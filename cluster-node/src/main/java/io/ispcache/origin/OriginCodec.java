package io.ispcache.origin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.util.List;

/**
 * HTTP/1.1 framing towards an origin: Netty's strict response decoder (CRLF line ends, numeric
 * lengths only, no Content-Length beside Transfer-Encoding, bounded head) and request encoder,
 * paired so that the answer to a HEAD is known to carry no body (RFC 9112 §6.3).
 */
final class OriginCodec extends CombinedChannelDuplexHandler<OriginCodec.Decoder, OriginCodec.Encoder> {

  private final Decoder decoder;

  OriginCodec(HttpDecoderConfig config) {
    Encoder encoder = new Encoder();
    decoder = new Decoder(config.setStrictLineParsing(true), encoder);
    init(decoder, encoder);
  }

  /** Bytes received and not yet decoded into a message (after a body: what the origin sent out of turn). */
  int pending() {
    return decoder.pending();
  }

  static final class Encoder extends HttpRequestEncoder {
    private boolean head;

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
      if (msg instanceof HttpRequest r) {
        head = HttpMethod.HEAD.equals(r.method());
      }
      super.encode(ctx, msg, out);
    }
  }

  static final class Decoder extends HttpResponseDecoder {
    private final Encoder encoder;

    Decoder(HttpDecoderConfig config, Encoder encoder) {
      super(config);
      this.encoder = encoder;
    }

    int pending() {
      return actualReadableBytes();
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      return encoder.head || super.isContentAlwaysEmpty(msg);
    }
  }
}
