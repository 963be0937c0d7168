package io.chatroom.jetty;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The error responses of a standalone chat server: the refusals Jetty makes itself (a request
 * it cannot parse, 414 for a request line over the limit, 431 for headers over it, 404 for
 * another path) as a {@code text/plain} body of one line, as PROTOCOL.md wants every refusal
 * before the upgrade, instead of Jetty's HTML page.
 */
final class PlainErrorHandler extends ErrorHandler {

    /** The longest body line; Jetty's reasons are short, but may quote the request. */
    private static final int MAX_LINE = 200;

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        Content.Sink.write(response, true, oneLine(code, message) + "\n", callback);
    }

    static String oneLine(int code, String message) {
        String phrase = HttpStatus.getMessage(code);
        String text = message == null || message.isBlank() || message.equals(phrase)
                ? phrase : phrase + ": " + message;
        text = text.replaceAll("[\\p{Cntrl}\\u2028\\u2029]+", " ").strip();
        return text.length() <= MAX_LINE ? text : text.substring(0, MAX_LINE - 3) + "...";
    }
}
