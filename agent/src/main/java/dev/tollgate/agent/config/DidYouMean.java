package dev.tollgate.agent.config;

import java.util.Locale;

/**
 * The "did you mean" of a problem with a misspelt name: the known word one or two edits away, ignoring case.
 *
 * <pre>{@code
 * DidYouMean.suggestion("cst", Arrays.asList("mode", "cost")); // " (did you mean 'cost'?)"
 * DidYouMean.suggestion("price", Arrays.asList("mode", "cost")); // ""
 * }</pre>
 */
final class DidYouMean {

    private DidYouMean() {
    }

    /** " (did you mean 'cost'?)" when a known word is one or two edits away, else "". */
    static String suggestion(String word, Iterable<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(word.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** The Levenshtein distance of two words. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
