package dev.tollgate.agent.instrument;

import java.nio.charset.StandardCharsets;

/**
 * A look at raw class bytes, before Byte Buddy parses anything: could this class have a metered
 * method? Yes when its constant pool mentions {@code Ldev/tollgate/Metered;}. Maybe when it has
 * supertypes outside the Java platform: one of them might declare an annotated method that this class
 * overrides, which {@link Ancestry} finds out from the supertypes' own bytes. Classes that only extend
 * platform types and never mention the annotation, the bulk of any application, are passed over here
 * at the cost of one scan of their constant pool.
 */
final class ClassPeek {

    private static final byte[] METERED = "Ldev/tollgate/Metered;".getBytes(StandardCharsets.UTF_8);

    /**
     * The name of the field that the build-time weaver ({@link BuildWeaver}) adds to every class it wove: such a
     * class reaches the runtime itself, so the agent leaves it as it is (else its calls would be charged twice).
     */
    static final String WOVEN_MARKER = "tollgate$woven";
    private static final byte[] WOVEN = WOVEN_MARKER.getBytes(StandardCharsets.UTF_8);

    private ClassPeek() {
    }

    /** The verdict on one class file. */
    static final class Look {
        /** Cannot be read here: Byte Buddy must look. */
        static final Look UNKNOWN = new Look(true, null);
        /** Neither mentions the annotation nor has a supertype outside the platform. */
        static final Look NOTHING = new Look(false, null);

        /** Whether the constant pool mentions {@code Ldev/tollgate/Metered;} (true for {@link #UNKNOWN}). */
        final boolean mentions;
        /** The supertypes outside the platform (internal names), or {@code null} when there are none. */
        final String[] supertypes;
        /** Whether the class was woven at build time ({@link #WOVEN_MARKER}): the agent must leave it alone. */
        final boolean woven;

        Look(boolean mentions, String[] supertypes) {
            this(mentions, supertypes, false);
        }

        Look(boolean mentions, String[] supertypes, boolean woven) {
            this.mentions = mentions;
            this.supertypes = supertypes;
            this.woven = woven;
        }
    }

    /** Whether Byte Buddy might need to look at the class; {@code true} for anything that cannot be read here. */
    static boolean worthALook(byte[] b) {
        return look(b) != Look.NOTHING;
    }

    /** What the bytes say; {@link Look#UNKNOWN} for anything that cannot be read here. */
    static Look look(byte[] b) {
        try {
            return peek(b);
        } catch (RuntimeException malformed) {
            return Look.UNKNOWN;
        }
    }

    private static Look peek(byte[] b) {
        if (b == null || b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
            return Look.UNKNOWN;
        }
        boolean mentions = false;
        boolean woven = false;
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
                    if (!mentions && len == METERED.length && matches(b, p + 3, METERED)) {
                        mentions = true;
                    }
                    if (!woven && len == WOVEN.length && matches(b, p + 3, WOVEN)) {
                        woven = true;
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
                    return Look.UNKNOWN; // unknown tag: a newer class file format; let Byte Buddy decide
            }
        }
        p += 4; // access flags, this_class
        int superIndex = u2(b, p);
        int interfaces = u2(b, p + 2);
        String[] found = null;
        int n = 0;
        for (int i = -1; i < interfaces; i++) {
            int index = i < 0 ? superIndex : u2(b, p + 4 + 2 * i);
            if (index == 0) {
                continue; // java/lang/Object has no superclass
            }
            int name = utf8[classRef[index]];
            if (!isPlatform(b, name)) {
                if (found == null) {
                    found = new String[interfaces + 1];
                }
                String supertype = new String(b, name + 2, u2(b, name), StandardCharsets.UTF_8);
                if (supertype.indexOf('\uFFFD') >= 0) {
                    return Look.UNKNOWN; // modified UTF-8 that plain UTF-8 cannot read: let Byte Buddy decide
                }
                found[n++] = supertype;
            }
        }
        if (woven) {
            // The name in the constant pool is not enough (a string constant may spell it): a field must carry it.
            woven = declaresField(b, p + 4 + 2 * interfaces, utf8, WOVEN);
        }
        if (found == null) {
            return woven || mentions ? new Look(mentions, null, woven) : Look.NOTHING;
        }
        if (n < found.length) {
            String[] exact = new String[n];
            System.arraycopy(found, 0, exact, 0, n);
            found = exact;
        }
        return new Look(mentions, found, woven);
    }

    /** Whether one of the fields (their table starts at {@code p}) is named {@code name}. */
    private static boolean declaresField(byte[] b, int p, int[] utf8, byte[] name) {
        int fields = u2(b, p);
        p += 2;
        for (int f = 0; f < fields; f++) {
            int nameOffset = utf8[u2(b, p + 2)];
            if (nameOffset != 0 && u2(b, nameOffset) == name.length && matches(b, nameOffset + 2, name)) {
                return true;
            }
            int attributes = u2(b, p + 6);
            p += 8;
            for (int a = 0; a < attributes; a++) {
                p += 6 + u4(b, p + 2);
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
