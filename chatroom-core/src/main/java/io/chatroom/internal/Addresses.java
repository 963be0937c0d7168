package io.chatroom.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Client addresses as the connection limits see them: the key an address is counted under
 * (an IPv6 client owns a whole /64, so it counts as one), and which peers are trusted
 * proxies whose {@code X-Forwarded-For} names the real client.
 */
public final class Addresses {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.]+)?]?");

    private final List<Block> trusted;

    private Addresses(List<Block> trusted) {
        this.trusted = trusted;
    }

    /**
     * Parses trusted proxies, each an address ({@code 10.0.0.7}, {@code ::1}) or a block in
     * CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); throws IllegalArgumentException
     * naming the first that is neither.
     */
    public static Addresses trusting(List<String> proxies) {
        List<Block> blocks = new ArrayList<>(proxies.size());
        for (String proxy : proxies) {
            blocks.add(Block.parse(proxy));
        }
        return new Addresses(List.copyOf(blocks));
    }

    /** Whether this peer address is a trusted proxy. */
    boolean isTrusted(String address) {
        if (trusted.isEmpty()) {
            return false;
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Block block : trusted) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client behind a trusted proxy: the rightmost {@code X-Forwarded-For} entry that is
     * not itself a trusted proxy (entries further left could be forged by the client), or
     * {@code peer} when the header names none.
     */
    String client(String peer, String forwardedFor) {
        if (forwardedFor == null || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (literal(hop) == null) {
                return peer;
            }
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return peer;
    }

    /** What the per-address limit counts this address as: IPv4 as is, IPv6 by its /64 prefix. */
    static String limitKey(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return address;
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        StringBuilder key = new StringBuilder(20);
        for (int i = 0; i < 8; i += 2) {
            key.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return key.append(":/64").toString();
    }

    /** The bytes of an IP literal (IPv4-mapped IPv6 as IPv4), or null when it is not one; never a DNS lookup. */
    static byte[] literal(String address) {
        if (address == null || !(IPV4.matcher(address).matches() && octets(address)
                || IPV6.matcher(address).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    /** Whether every part of a dotted quad is at most 255 (else the JDK would ask the name service). */
    private static boolean octets(String dotted) {
        for (String part : dotted.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** One address block: a prefix of {@code bits} bits. */
    private record Block(byte[] prefix, int bits) {

        static Block parse(String text) {
            String spec = text.strip();
            int slash = spec.indexOf('/');
            byte[] address = literal(slash < 0 ? spec : spec.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR block: " + text);
            }
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(spec.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in CIDR block: " + text);
                }
            }
            return new Block(address, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            if (!Arrays.equals(address, 0, whole, prefix, 0, whole)) {
                return false;
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }
}
