package io.chatroom.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Lua scripts (resources beside this class), run by their SHA with {@code EVALSHA}; a
 * server that does not know one (it restarted, or its script cache was flushed) gets the
 * text once with {@code EVAL}, which also caches it.
 *
 * <p>That fallback sends the script after the commands issued while the {@code NOSCRIPT}
 * answer travelled, so it may overtake nothing but may be overtaken. For presence that is
 * harmless: two runs of the same script stay in call order (the second also misses the
 * cache until the first one's {@code EVAL} has run). The scripts marked {@code ordered} are
 * always sent whole with {@code EVAL} instead: {@link #APPEND} must stay in call order with
 * the reads of its room, and {@link #RESYNC} with the presence calls that follow it.
 */
final class Scripts {

    static final Script APPEND = Script.load("append.lua", false, true);
    static final Script PRESENCE = Script.load("presence.lua", true, false);
    static final Script RESYNC = Script.load("resync.lua", true, true);
    static final Script BEAT = Script.load("beat.lua", true, false);
    static final Script LEAVE = Script.load("leave.lua", true, false);
    static final Script SNAPSHOT = Script.load("snapshot.lua", false, false);
    static final Script USERS = Script.load("users.lua", false, false);
    static final Script BAN = Script.load("ban.lua", false, false);
    static final Script RELEASE = Script.load("release.lua", false, false);
    static final Script STALLED = Script.load("stalled.lua", false, false);

    private final RedisAsyncCommands<String, String> commands;

    Scripts(RedisAsyncCommands<String, String> commands) {
        this.commands = commands;
    }

    /** Runs a script; the stage fails (never throws) when Redis cannot run it. */
    <T> CompletableFuture<T> run(Script script, ScriptOutputType type, String[] keys, String... args) {
        try {
            if (script.ordered()) {
                return commands.<T>eval(script.text(), type, keys, args).toCompletableFuture();
            }
            return commands.<T>evalsha(script.sha(), type, keys, args).toCompletableFuture()
                    .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                            ? commands.<T>eval(script.text(), type, keys, args).toCompletableFuture()
                            : CompletableFuture.failedFuture(unwrap(e)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /**
     * One script: its text (with the shared presence functions in front when it uses them),
     * the SHA-1 that Redis knows it by, and whether it is always sent whole (see above).
     */
    record Script(String name, String text, String sha, boolean ordered) {

        static Script load(String name, boolean withPresenceFunctions, boolean ordered) {
            String text = read(name);
            if (withPresenceFunctions) {
                text = read("presence-lib.lua") + "\n" + text;
            }
            return new Script(name, text, sha1(text), ordered);
        }

        private static String read(String name) {
            try (InputStream in = Scripts.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("script " + name + " is missing from the module");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JVM", e);
            }
        }
    }
}
