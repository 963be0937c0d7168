package io.chatroom.examples.terminal;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the terminal client connects: the server's {@code ws://} or {@code wss://}
 * URL with the handshake parameters of PROTOCOL section 1, and {@code since} added for each
 * reconnection. Immutable.
 */
public final class ChatEndpoint {

    private final URI base;
    private final Map<String, String> parameters;

    private ChatEndpoint(URI base, Map<String, String> parameters) {
        this.base = base;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * The URL as given, with {@code room} and {@code user} set when not null (a URL may carry
     * them in its query already, as the client's earlier form {@code ws://HOST/ws?room=R&user=U} did).
     *
     * @throws IllegalArgumentException when the URL is not {@code ws://} or {@code wss://}, or no room is named
     */
    public static ChatEndpoint of(URI url, String room, String user) {
        if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
            throw new IllegalArgumentException("the URL must start with ws:// or wss://: " + url);
        }
        Map<String, String> parameters = parse(url.getRawQuery());
        putIfGiven(parameters, "room", room);
        putIfGiven(parameters, "user", user);
        if (!parameters.containsKey("room")) {
            throw new IllegalArgumentException("no room: give --room NAME");
        }
        URI base = URI.create(url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath()));
        return new ChatEndpoint(base, parameters);
    }

    /** Whether the handshake names the user (without it, only an authenticator's token can). */
    public boolean namesUser() {
        return parameters.containsKey("user");
    }

    /** The handshake URL, resuming after message {@code since} unless it is null. */
    URI uri(String since) {
        Map<String, String> query = new LinkedHashMap<>(parameters);
        putIfGiven(query, "since", since);
        return URI.create(base + "?" + query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&")));
    }

    private static Map<String, String> parse(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    private static void putIfGiven(Map<String, String> parameters, String name, String value) {
        if (value != null) {
            parameters.put(name, value);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
