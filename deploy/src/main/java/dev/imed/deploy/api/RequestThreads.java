package dev.imed.deploy.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import java.util.concurrent.Executor;

/** Which thread a request's response should be built on. */
public final class RequestThreads {
    private RequestThreads() {}

    /**
     * The event loop of the request's connection. A response completed there is encoded and written
     * without a further thread hand-over, and the responses of one batch are encoded in parallel on
     * their own loops rather than one after another on the batcher thread. A request not served by
     * Netty (none in this server) is answered on whichever thread completes it.
     */
    public static Executor eventLoopOf(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            return netty.getChannelHandlerContext().channel().eventLoop();
        }
        return Runnable::run;
    }
}
