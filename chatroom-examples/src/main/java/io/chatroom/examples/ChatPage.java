package io.chatroom.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The browser chat page ({@code web/index.html}, JSON mode) at {@code /}, served from the
 * chat server's own origin so that the default same-origin policy admits it.
 */
final class ChatPage extends Handler.Abstract.NonBlocking {

    private final byte[] page;

    ChatPage() {
        try (InputStream in = ChatPage.class.getResourceAsStream("/META-INF/resources/index.html")) {
            if (in == null) {
                throw new IllegalStateException("META-INF/resources/index.html (chatroom-web) is missing from the classpath");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!HttpMethod.GET.is(request.getMethod()) || !(path.equals("/") || path.equals("/index.html"))) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.write(true, ByteBuffer.wrap(page), callback);
        return true;
    }
}
