package io.chatroom.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatroom.ChatSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.Test;

/**
 * JSON-mode frames that no well-behaved client sends (PROTOCOL.md section 4), and the one
 * answer every transport gives each: an {@code error} with code {@code bad_request} (and the
 * request's {@code ref} when it had a valid one), the connection kept, and nothing else
 * happening: the other member of the room, to whom every request that could reach anyone is
 * addressed, receives the sender's next message as its very next event.
 *
 * <p>The generated cases (jqwik) run against one server per property: every field of every
 * request type with a value of the wrong type, missing, or out of its range, in any order and
 * among unknown fields; and frames that are not one JSON object.
 */
public abstract class HostileJsonContract extends ContractSupport {

    /** Placeholder in generated requests for the id of a message the room holds. */
    private static final String ID = "$ID";
    /** A broken value that leaves the field out. */
    private static final String MISSING = "<missing>";

    private ChatClient bob;
    private ChatClient carol;
    private String messageId;
    private int markers;

    private ChatSettings settings() {
        return testSettings().rateBurst(100_000).ratePerSecond(100_000).build();
    }

    /** Starts the server with Bob and Carol in JSON mode, and one message in the room's history. */
    private void startWithMembers() {
        startServer(settings());
        bob = joinJson("Bob");
        carol = joinJson("Carol");
        awaitJoin(bob, "Carol");
        messageId = marker();
    }

    // ---- nesting ----

    @Test
    void deeplyNestedPayloadIsABadRequest() {
        startWithMembers();
        String deepArray = "[".repeat(10_000) + "]".repeat(10_000);
        String deepObject = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);

        assertBadRequest("{\"type\":\"signal\",\"to\":\"Carol\",\"signal\":\"offer\",\"payload\":" + deepArray + "}", null);
        assertBadRequest("{\"type\":\"signal\",\"to\":\"Carol\",\"signal\":\"offer\",\"payload\":" + deepObject + "}", null);
        assertBadRequest("{\"type\":\"message\",\"text\":\"hi\",\"extra\":" + deepArray + "}", null);
        assertBadRequest(deepArray, null);
    }

    @Test
    void moderatelyNestedPayloadIsRelayedAsWritten() {
        startWithMembers();
        String nested = "[".repeat(100) + "\"deep\"" + "]".repeat(100);

        bob.send("{\"type\":\"signal\",\"to\":\"Carol\",\"signal\":\"offer\",\"payload\":" + nested + "}");

        Map<String, Object> signal = awaitEvent(carol, "signal");
        Object inner = signal.get("payload");
        for (int i = 0; i < 100; i++) {
            assertTrue(inner instanceof List<?> list && list.size() == 1, () -> "the payload as sent: " + signal);
            inner = ((List<?>) inner).get(0);
        }
        assertEquals("deep", inner);
        assertMarkerIsNext();
    }

    // ---- numbers ----

    @Test
    void limitThatIsNoWholeNumberOfSixtyFourBitsIsABadRequest() {
        startWithMembers();

        for (String limit : List.of("1e999999", "1e2", "2.5", "-1e400", "100000000000000000000",
                "-9223372036854775809", "0", "-9223372036854775808")) {
            assertBadRequest("{\"type\":\"history\",\"before\":\"" + messageId + "\",\"limit\":" + limit
                    + ",\"ref\":\"h\"}", "h");
        }
    }

    @Test
    void largestLimitIsCutToTheLargestPage() {
        startWithMembers();

        bob.send("{\"type\":\"history\",\"before\":\"" + marker() + "\",\"limit\":9223372036854775807,\"ref\":\"h\"}");

        Map<String, Object> history = awaitEvent(bob, "history");
        assertEquals("h", history.get("ref"));
        assertEquals(1, ((List<?>) history.get("messages")).size(), () -> "the page: " + history);
        assertMarkerIsNext();
    }

    @Test
    void numberOfMoreThanAThousandDigitsIsABadRequestWhereverItIs() {
        startWithMembers();
        String digits = "9".repeat(60_000);

        assertBadRequest("{\"type\":\"message\",\"text\":\"hi\",\"n\":" + digits + "}", null);
        assertBadRequest("{\"type\":\"message\",\"text\":\"hi\",\"n\":0." + digits + "}", null);
        assertBadRequest("{\"type\":\"signal\",\"to\":\"Carol\",\"signal\":\"offer\",\"payload\":[" + digits + "]}", null);
    }

    @Test
    void hugeExponentInAnUnknownFieldIsIgnored() {
        startWithMembers();

        bob.send("{\"type\":\"message\",\"text\":\"big\",\"n\":1e999999,\"m\":-1e-999999}");

        assertEquals("big", awaitEvent(bob, "message").get("text"));
        assertEquals("big", awaitEvent(carol, "message").get("text"));
        assertMarkerIsNext();
    }

    // ---- strings ----

    @Test
    void unpairedSurrogateEscapeIsABadRequestInAnyStringField() {
        startWithMembers();

        for (String bad : List.of("\\ud800", "\\udc00", "hi \\ud83d", "\\udc00\\ud800", "\\ud800\\ud800")) {
            assertBadRequest("{\"type\":\"message\",\"text\":\"" + bad + "\",\"ref\":\"s\"}", "s");
            assertBadRequest("{\"type\":\"private\",\"to\":\"Carol\",\"text\":\"" + bad + "\",\"ref\":\"s\"}", "s");
            assertBadRequest("{\"type\":\"private\",\"to\":\"" + bad + "\",\"text\":\"hi\",\"ref\":\"s\"}", "s");
            assertBadRequest("{\"type\":\"message\",\"text\":\"hi\",\"ref\":\"" + bad + "\"}", null);
        }
        assertBadRequest("{\"type\":\"signal\",\"to\":\"Carol\",\"signal\":\"offer\",\"payload\":{\"sdp\":\"\\ud800\"},"
                + "\"ref\":\"s\"}", "s");
        assertBadRequest("{\"type\":\"signal\",\"to\":\"Carol\",\"signal\":\"offer\",\"payload\":[\"ok\",\"\\udc00\"],"
                + "\"ref\":\"s\"}", "s");
        // A pair, escaped, is one character.
        bob.send("{\"type\":\"message\",\"text\":\"\\ud83d\\ude00\"}");
        assertEquals("\uD83D\uDE00", awaitEvent(carol, "message").get("text"));
        awaitEvent(bob, "message");
        assertMarkerIsNext();
    }

    // ---- generated: wrong types, missing fields, values out of range ----

    @BeforeProperty
    void startServerForProperty() {
        rememberThreads();
        startWithMembers();
    }

    @AfterProperty
    void stopServerAfterProperty() throws Exception {
        closeEverything();
    }

    @Property(tries = 300)
    void fieldOfTheWrongTypeMissingOrOutOfRangeIsABadRequest(@ForAll("brokenRequests") BrokenRequest request) {
        assertBadRequest(request.frame.replace(ID, messageId), request.brokenField.equals("ref") ? null : "r1");
    }

    @Property(tries = 100)
    void frameThatIsNotOneJsonObjectIsABadRequest(@ForAll("notOneObject") String frame) {
        assertBadRequest(frame, null);
    }

    /** A request with one field broken, as a frame. */
    record BrokenRequest(String brokenField, String frame) {
        @Override
        public String toString() {
            return brokenField + ": " + frame;
        }
    }

    @Provide
    Arbitrary<BrokenRequest> brokenRequests() {
        List<Map<String, String>> requests = List.of(
                request("message", "text", "\"hello\""),
                request("private", "to", "\"Carol\"", "text", "\"psst\""),
                request("typing", "typing", "true"),
                request("presence", "status", "\"away\""),
                request("signal", "to", "\"Carol\"", "signal", "\"offer\"", "payload", "{\"sdp\":\"x\"}"),
                request("history", "before", "\"" + ID + "\"", "limit", "5"),
                request("auth", "token", "\"t\""));
        Arbitrary<Map<String, String>> request = Arbitraries.of(requests);
        return request.flatMap(fields -> {
            List<String> breakable = new ArrayList<>(fields.keySet());
            breakable.remove("payload");   // any JSON value is a payload
            Arbitrary<String> field = Arbitraries.of(breakable);
            return field.flatMap(name -> Combinators.combine(
                            brokenValue(name),
                            unknownFields(),
                            Arbitraries.integers().between(0, 1000))
                    .as((value, extra, seed) -> {
                        Map<String, String> broken = new LinkedHashMap<>(fields);
                        if (value.equals(MISSING)) {
                            broken.remove(name);
                        } else {
                            broken.put(name, value);
                        }
                        broken.putAll(extra);
                        return new BrokenRequest(name, frame(broken, seed));
                    }));
        });
    }

    /** A value that breaks {@code field} of a request, or {@link #MISSING}. */
    private static Arbitrary<String> brokenValue(String field) {
        List<String> notAString = List.of("1", "-0", "1.5", "1e400", "true", "false", "null", "[]", "{}",
                "[\"x\"]", "{\"a\":\"b\"}");
        List<String> values = new ArrayList<>();
        switch (field) {
            case "typing" -> values.addAll(List.of("\"true\"", "1", "0", "null", "[]", "{}", "\"\"", "[true]"));
            case "limit" -> values.addAll(List.of("\"10\"", "1.5", "1e2", "true", "[]", "{}", "[5]",
                    "100000000000000000000", "0", "-5"));
            case "ref" -> values.addAll(notAString);
            default -> {
                values.addAll(notAString);
                values.add(MISSING);
            }
        }
        if (field.equals("type")) {
            values.addAll(List.of("\"Message\"", "\"\"", "\"nope\"", "\"message \""));
        }
        if (field.equals("text")) {
            values.addAll(List.of("\"\"", "\"   \"", "\"\\n\\t\""));
        }
        if (field.equals("status")) {
            values.addAll(List.of("\"busy\"", "\"AWAY\"", "\"\""));
        }
        if (field.equals("signal")) {
            values.addAll(List.of("\"call\"", "\"OFFER\"", "\"\""));
        }
        return Arbitraries.of(values);
    }

    /** Fields no request type knows, which are ignored whatever their value. */
    private static Arbitrary<Map<String, String>> unknownFields() {
        Arbitrary<String> name = Arbitraries.of("from", "user", "room", "id", "ts", "x", "TYPE", "Text");
        Arbitrary<String> value = Arbitraries.of("\"Mallory\"", "1", "null", "[1,{\"a\":[]}]", "{\"type\":\"message\"}",
                "true", "1e308", "\"\\u0000\"");
        return Arbitraries.maps(name, value).ofMaxSize(3);
    }

    @Provide
    Arbitrary<String> notOneObject() {
        Arbitrary<String> fixed = Arbitraries.of(
                "", " ", "null", "true", "42", "-1.5e3", "\"message\"", "[]", "[{\"type\":\"message\",\"text\":\"hi\"}]",
                "{", "}", "{\"type\":\"message\"", "{\"type\":\"message\",\"text\":\"hi\",}", "{type:\"message\"}",
                "{'type':'message','text':'hi'}", "{\"type\":\"message\",\"text\":\"hi\"} {}",
                "{\"type\":\"message\",\"text\":\"hi\"}x", "{\"type\":\"message\",\"text\":NaN}",
                "{\"type\":\"message\",\"text\":\"hi\u0001\"}", "{\"type\":\"message\" \"text\":\"hi\"}",
                "\uFEFF{\"type\":\"ping\"}", "{\"type\":\"message\",\"text\":\"\\x41\"}", "/msg Carol hi");
        Arbitrary<String> garbage = Arbitraries.strings().withChars("{}[]\":,0123456789truefalsn \\").ofMinLength(1)
                .ofMaxLength(40).filter(HostileJsonContract::isNotAnObject);
        return Arbitraries.oneOf(fixed, garbage);
    }

    /** Whether {@code s} does not start with an object's brace (so it can never be one JSON object). */
    private static boolean isNotAnObject(String s) {
        return !s.strip().startsWith("{");
    }

    private static Map<String, String> request(String type, String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("type", "\"" + type + "\"");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        fields.put("ref", "\"r1\"");
        return fields;
    }

    /** The fields as one JSON object, in an order that depends on {@code seed}. */
    private static String frame(Map<String, String> fields, int seed) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(fields.entrySet());
        Collections.rotate(entries, seed % Math.max(1, entries.size()));
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> field : entries) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(field.getKey()).append("\":").append(field.getValue());
        }
        return json.append('}').toString();
    }

    // ---- helpers ----

    /**
     * Bob sends {@code frame}: he gets a {@code bad_request} error with {@code ref} (none when
     * {@code null}) and nothing else, and Carol gets nothing of it.
     */
    private void assertBadRequest(String frame, String ref) {
        bob.send(frame);
        Map<String, Object> error = awaitEvent(bob);
        assertEquals("error", error.get("type"), () -> "the answer to " + ChatClient.abbreviate(frame) + ": " + error);
        assertEquals("bad_request", error.get("code"), () -> "the answer to " + ChatClient.abbreviate(frame));
        assertEquals(ref, error.get("ref"), () -> "the ref of the answer to " + ChatClient.abbreviate(frame));
        assertTrue(error.get("message") instanceof String m && !m.isBlank(), () -> "an error explains itself: " + error);
        assertMarkerIsNext();
    }

    /** Bob sends a message: it is the next event of both, so nothing else came before it. */
    private void assertMarkerIsNext() {
        marker();
    }

    /** Bob sends a message, which must be both members' next event; returns its id. */
    private String marker() {
        String text = "marker " + ++markers;
        sendJson(bob, "type", "message", "text", text);
        Map<String, Object> own = awaitEvent(bob);
        assertEquals("message", own.get("type"), () -> "Bob: expected his marker, got " + own);
        assertEquals(text, own.get("text"), () -> "Bob: expected his marker, got " + own);
        Map<String, Object> seen = awaitEvent(carol);
        assertEquals("message", seen.get("type"), () -> "Carol: expected Bob's marker, got " + seen);
        assertEquals(text, seen.get("text"), () -> "Carol: expected Bob's marker, got " + seen);
        return id(own);
    }
}
