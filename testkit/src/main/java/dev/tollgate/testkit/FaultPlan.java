package dev.tollgate.testkit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Which fault the next requests get. Counted rules come first, oldest first; then the standing
 * ("always") rules, newest first. A rule without an endpoint matches every request.
 */
final class FaultPlan {
    private static final class Rule {
        final Endpoint endpoint; // null: any request
        final Fault fault;
        int remaining;           // for counted rules

        Rule(Endpoint endpoint, int remaining, Fault fault) {
            this.endpoint = endpoint;
            this.remaining = remaining;
            this.fault = fault;
        }

        boolean matches(Endpoint requested) {
            return endpoint == null || endpoint == requested;
        }
    }

    private final List<Rule> counted = new ArrayList<>();
    private final List<Rule> standing = new ArrayList<>();

    synchronized void next(Endpoint endpoint, int count, Fault fault) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        counted.add(new Rule(endpoint, count, Objects.requireNonNull(fault, "fault")));
    }

    synchronized void always(Endpoint endpoint, Fault fault) {
        standing.add(0, new Rule(endpoint, 0, Objects.requireNonNull(fault, "fault")));
    }

    synchronized void clear() {
        counted.clear();
        standing.clear();
    }

    /** The fault for a request to {@code endpoint} (null: an unknown path), used up; or null. */
    synchronized Fault take(Endpoint endpoint) {
        for (Iterator<Rule> it = counted.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (rule.matches(endpoint)) {
                if (--rule.remaining == 0) {
                    it.remove();
                }
                return rule.fault;
            }
        }
        for (Rule rule : standing) {
            if (rule.matches(endpoint)) {
                return rule.fault;
            }
        }
        return null;
    }
}
