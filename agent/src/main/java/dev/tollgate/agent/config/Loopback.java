package dev.tollgate.agent.config;

import java.util.Locale;

/**
 * Tells loopback hosts from the rest, from the literal text of a URL's host and without a DNS lookup,
 * for the rule that plain {@code http://} backends are refused except on loopback.
 *
 * <pre>{@code
 * Loopback.isLoopback("127.0.0.1");   // true
 * Loopback.isLoopback("[::1]");       // true
 * Loopback.isLoopback("example.com"); // false
 * }</pre>
 */
final class Loopback {

    private Loopback() {
    }

    /**
     * Whether {@code host} (as in a URL, IPv6 in brackets) names the loopback interface: {@code localhost},
     * 127.0.0.0/8 or ::1. Decided from the literal text only; never resolves a name.
     */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            return isIpv6Loopback(h.substring(1, h.length() - 1));
        }
        return isIpv4Loopback(h);
    }

    private static boolean isIpv4Loopback(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return Integer.parseInt(parts[0]) == 127;
    }

    /** ::1 in any spelling (leading zeros, zero runs), and ::ffff:127.x.y.z; no lookups. */
    private static boolean isIpv6Loopback(String h) {
        if (h.indexOf('%') >= 0) {
            return false;
        }
        String mappedPrefix = "::ffff:";
        if (h.startsWith(mappedPrefix) && h.indexOf('.') > 0) {
            return isIpv4Loopback(h.substring(mappedPrefix.length()));
        }
        int[] groups = parseIpv6(h);
        if (groups == null) {
            return false;
        }
        for (int i = 0; i < 7; i++) {
            if (groups[i] != 0) {
                return false;
            }
        }
        return groups[7] == 1;
    }

    private static int[] parseIpv6(String h) {
        int gap = h.indexOf("::");
        if (gap >= 0 && h.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? h.substring(0, gap) : h;
        String tail = gap >= 0 ? h.substring(gap + 2) : "";
        int[] front = groups(head);
        int[] back = groups(tail);
        if (front == null || back == null) {
            return null;
        }
        int total = front.length + back.length;
        if (gap < 0 ? total != 8 : total > 7) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(front, 0, all, 0, front.length);
        System.arraycopy(back, 0, all, 8 - back.length, back.length);
        return all;
    }

    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 4) {
                return null;
            }
            for (int c = 0; c < part.length(); c++) {
                if (Character.digit(part.charAt(c), 16) < 0) {
                    return null;
                }
            }
            out[i] = Integer.parseInt(part, 16);
        }
        return out;
    }
}
