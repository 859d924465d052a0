package dev.tollgate.agent.rules;

import java.util.Collections;
import java.util.List;

/**
 * What {@link MeteringRules} decided for one class: the methods to meter, and the annotations and rules
 * refused, each with a message that names the place and says what to do instead. Immutable.
 *
 * <pre>{@code
 * Decision d = MeteringRules.decide(shape, rules);
 * d.refused().forEach(Log::error);
 * d.metered().forEach(weaver::weave);
 * }</pre>
 */
public final class Decision {

    /** Nothing to meter, nothing refused. */
    public static final Decision NONE = new Decision(Collections.<MeteredMethod>emptyList(),
            Collections.<String>emptyList());

    private final List<MeteredMethod> metered;
    private final List<String> refused;

    Decision(List<MeteredMethod> metered, List<String> refused) {
        this.metered = Collections.unmodifiableList(metered);
        this.refused = Collections.unmodifiableList(refused);
    }

    /** The methods to meter, in declaration order; each at most once. */
    public List<MeteredMethod> metered() {
        return metered;
    }

    /** Why an annotation or rule on this class meters nothing, as the agent prints it. */
    public List<String> refused() {
        return refused;
    }

    public boolean isEmpty() {
        return metered.isEmpty() && refused.isEmpty();
    }
}
