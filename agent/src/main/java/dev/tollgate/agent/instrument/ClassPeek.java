package dev.tollgate.agent.instrument;

import java.nio.charset.StandardCharsets;

/**
 * A look at raw class bytes, before Byte Buddy parses anything: could this class have a metered
 * method? Yes when its constant pool mentions {@code Ldev/tollgate/Metered;}, or when it has a
 * supertype outside the Java platform (which might declare an annotated method it overrides).
 * Classes that only extend platform types and never mention the annotation, the bulk of any
 * application, are passed over here at the cost of one scan of their constant pool.
 */
final class ClassPeek {

    private static final byte[] METERED = "Ldev/tollgate/Metered;".getBytes(StandardCharsets.UTF_8);

    private ClassPeek() {
    }

    /** Whether Byte Buddy should look at the class; {@code true} for anything that cannot be read here. */
    static boolean worthALook(byte[] b) {
        try {
            return peek(b);
        } catch (RuntimeException malformed) {
            return true;
        }
    }

    private static boolean peek(byte[] b) {
        if (b == null || b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
            return true;
        }
        int count = u2(b, 8);
        int[] utf8 = new int[count];   // offset of each Utf8 entry's length field
        int[] classRef = new int[count]; // Utf8 index of each Class entry
        int p = 10;
        for (int i = 1; i < count; i++) {
            int tag = b[p] & 0xFF;
            switch (tag) {
                case 1: // Utf8
                    utf8[i] = p + 1;
                    int len = u2(b, p + 1);
                    if (len == METERED.length && matches(b, p + 3, METERED)) {
                        return true;
                    }
                    p += 3 + len;
                    break;
                case 7: // Class
                    classRef[i] = u2(b, p + 1);
                    p += 3;
                    break;
                case 8: case 16: case 19: case 20: // String, MethodType, Module, Package
                    p += 3;
                    break;
                case 15: // MethodHandle
                    p += 4;
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                    p += 5;
                    break;
                case 5: case 6: // Long, Double take two slots
                    p += 9;
                    i++;
                    break;
                default:
                    return true; // unknown tag: a newer class file format; let Byte Buddy decide
            }
        }
        p += 4; // access flags, this_class
        int superIndex = u2(b, p);
        if (superIndex != 0 && !isPlatform(b, utf8[classRef[superIndex]])) {
            return true;
        }
        int interfaces = u2(b, p + 2);
        for (int i = 0; i < interfaces; i++) {
            if (!isPlatform(b, utf8[classRef[u2(b, p + 4 + 2 * i)]])) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPlatform(byte[] b, int utf8Offset) {
        int len = u2(b, utf8Offset);
        int start = utf8Offset + 2;
        return startsWith(b, start, len, "java/") || startsWith(b, start, len, "javax/")
                || startsWith(b, start, len, "jdk/") || startsWith(b, start, len, "sun/")
                || startsWith(b, start, len, "com/sun/");
    }

    private static boolean startsWith(byte[] b, int start, int len, String prefix) {
        if (len < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(byte[] b, int start, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (b[start + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int u4(byte[] b, int p) {
        return (u2(b, p) << 16) | u2(b, p + 2);
    }
}
