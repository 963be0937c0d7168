package io.chatroom.jakarta;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * The test Tomcat's error responses (a request it cannot parse, a head over its limit) as one
 * line of {@code text/plain}, as PROTOCOL.md wants every refusal before the upgrade, instead of
 * Tomcat's HTML page. An embedder's Tomcat has its own error pages.
 */
public final class PlainErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String message = response.getMessage();
        String line = status + (message == null || message.isBlank() ? "" : " " + message.replaceAll("[\\r\\n]+", " "));
        try {
            response.setContentType("text/plain");
            response.setCharacterEncoding("utf-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(line + "\n");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the connection is gone; nothing to report to
        }
    }
}
