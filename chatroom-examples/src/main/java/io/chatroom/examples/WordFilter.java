package io.chatroom.examples;

import io.chatroom.spi.MessageFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The example server's {@code --filter-words}: a {@link MessageFilter} that masks listed
 * words (whole words, any case) with asterisks and lets everything else through.
 */
final class WordFilter implements MessageFilter {

    private final Pattern words;

    private WordFilter(List<String> words) {
        this.words = Pattern.compile(words.stream().map(Pattern::quote).collect(Collectors.joining("|", "\\b(?:", ")\\b")),
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** The words of a file, one per line; blank lines and lines starting with {@code #} are skipped. */
    static WordFilter fromFile(Path file) throws IOException {
        List<String> words = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(w -> !w.isEmpty() && !w.startsWith("#"))
                .map(w -> w.toLowerCase(Locale.ROOT))
                .distinct()
                .collect(Collectors.toList());
        if (words.isEmpty()) {
            throw new IOException("no words in " + file);
        }
        return new WordFilter(words);
    }

    @Override
    public CompletionStage<Verdict> check(Candidate message) {
        Matcher m = words.matcher(message.text());
        if (!m.find()) {
            return CompletableFuture.completedFuture(Verdict.accept());
        }
        StringBuilder masked = new StringBuilder(message.text().length());
        do {
            m.appendReplacement(masked, "*".repeat(m.group().codePointCount(0, m.group().length())));
        } while (m.find());
        m.appendTail(masked);
        return CompletableFuture.completedFuture(Verdict.replace(masked.toString()));
    }
}
