package io.chatroom.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the library logs while it is open, at every level: slf4j-simple writes to
 * {@code System.err} as it is at each call, and the build sets it to WARN, so the capture
 * lowers each {@code io.chatroom} logger to TRACE and gives the levels back on close. Not
 * for tests that run in parallel.
 */
public final class LogCapture implements AutoCloseable {

    private static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.io.chatroom";
    private static final int TRACE = 0;

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Map<Logger, Integer> levels = new HashMap<>();
    private final int defaultLevel;

    /** Starts capturing. */
    public LogCapture() {
        defaultLevel = level(LoggerFactory.getLogger(LogCapture.class));
        for (Logger logger : chatroomLoggers().values()) {
            levels.put(logger, level(logger));
            setLevel(logger, TRACE);
        }
        System.setProperty(LEVEL_PROPERTY, "trace");
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    /** What was logged so far. */
    public String text() {
        System.err.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setErr(original);
        System.clearProperty(LEVEL_PROPERTY);
        for (Logger logger : chatroomLoggers().values()) {
            setLevel(logger, levels.getOrDefault(logger, defaultLevel));
        }
        original.print(bytes.toString(StandardCharsets.UTF_8));
    }

    /** slf4j-simple's loggers, by name, whose names start with {@code io.chatroom}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Logger> chatroomLoggers() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        try {
            Field map = factory.getClass().getDeclaredField("loggerMap");
            map.setAccessible(true);
            Map<String, Logger> all = new HashMap<>((Map<String, Logger>) map.get(factory));
            all.keySet().removeIf(name -> !name.startsWith("io.chatroom"));
            return all;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the tests log through slf4j-simple, whose loggers this reads", e);
        }
    }

    private static Field levelField(Logger logger) throws NoSuchFieldException {
        Field level = logger.getClass().getDeclaredField("currentLogLevel");
        level.setAccessible(true);
        return level;
    }

    private static int level(Logger logger) {
        try {
            return levelField(logger).getInt(logger);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the tests log through slf4j-simple, whose levels this sets", e);
        }
    }

    private static void setLevel(Logger logger, int value) {
        try {
            levelField(logger).setInt(logger, value);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the tests log through slf4j-simple, whose levels this sets", e);
        }
    }
}
