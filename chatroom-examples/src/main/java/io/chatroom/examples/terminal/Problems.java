package io.chatroom.examples.terminal;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** A failure in a few words for a status line, such as "connection refused" or "EOF reached while reading". */
final class Problems {

    private Problems() {
    }

    static String describe(Throwable failure) {
        Throwable problem = failure;
        while ((problem instanceof CompletionException || problem instanceof ExecutionException)
                && problem.getCause() != null) {
            problem = problem.getCause();
        }
        if (problem instanceof ConnectException && problem.getMessage() == null) {
            return "connection refused";
        }
        Throwable root = problem;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
