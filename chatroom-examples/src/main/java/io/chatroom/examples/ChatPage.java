package io.chatroom.examples;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The browser chat page ({@link PageResources}) on Jetty: every request that is not the
 * chat's upgrade, served from the chat server's own origin so that the default same-origin
 * policy admits the page's WebSocket.
 */
final class ChatPage extends Handler.Abstract.NonBlocking {

    private final PageResources pages;

    ChatPage(String endpointPath) {
        this.pages = new PageResources(endpointPath);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        PageResources.Answer answer = pages.answer(request.getMethod(), request.getHttpURI().getPath());
        response.setStatus(answer.status());
        answer.headers().forEach(response.getHeaders()::put);
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        response.write(true, head ? null : ByteBuffer.wrap(answer.body()), callback);
        return true;
    }
}
