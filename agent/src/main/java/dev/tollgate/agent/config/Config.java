package dev.tollgate.agent.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The agent's configuration, immutable, as read by {@link ConfigLoader}. When {@link #problems()} is
 * not empty the configuration must not be trusted: every metered call is denied as misconfigured.
 */
public final class Config {

    /** Which backend holds the counters. */
    public enum BackendKind { LOCAL, CRYPTOLENS }

    /** Default exception thrown on denial. */
    public static final String DEFAULT_EXCEPTION = "dev.tollgate.UsageDeniedException";

    private final String source;
    private final BackendKind backend;
    private final Path ledgerDir;
    private final Map<String, Long> openingCredits;
    private final CryptolensSettings cryptolens;
    private final Map<String, Feature> features;
    private final String deniedException;
    private final int deniedExceptionLine;
    private final String logLevel;
    private final List<Rule> rules;
    private final JournalSettings journal;
    private final List<Problem> problems;
    private final List<Problem> ignored;
    /** {@code local.customer}; set once by the reader, copied by every derived config. */
    private String customer;
    /** The digest of the vendor's pinned config this config was read from, or null. */
    private String pinnedDigest;

    Config(String source, BackendKind backend, Path ledgerDir, Map<String, Long> openingCredits,
            CryptolensSettings cryptolens, Map<String, Feature> features, String deniedException,
            int deniedExceptionLine, String logLevel, List<Rule> rules, JournalSettings journal,
            List<Problem> problems) {
        this.source = source;
        this.backend = backend;
        this.ledgerDir = ledgerDir;
        this.openingCredits = Collections.unmodifiableMap(openingCredits);
        this.cryptolens = cryptolens;
        this.features = Collections.unmodifiableMap(features);
        this.deniedException = deniedException;
        this.deniedExceptionLine = deniedExceptionLine;
        this.logLevel = logLevel;
        this.rules = Collections.unmodifiableList(rules);
        this.journal = journal;
        this.problems = Collections.unmodifiableList(problems);
        this.ignored = Collections.<Problem>emptyList();
    }

    private Config(Config c, String source, List<Problem> problems, List<Problem> ignored) {
        this.source = source;
        this.backend = c.backend;
        this.ledgerDir = c.ledgerDir;
        this.openingCredits = c.openingCredits;
        this.cryptolens = c.cryptolens;
        this.features = c.features;
        this.deniedException = c.deniedException;
        this.deniedExceptionLine = c.deniedExceptionLine;
        this.logLevel = c.logLevel;
        this.rules = c.rules;
        this.journal = c.journal;
        this.problems = Collections.unmodifiableList(problems);
        this.ignored = Collections.unmodifiableList(ignored);
        this.customer = c.customer;
        this.pinnedDigest = c.pinnedDigest;
    }

    /** Where the config came from: a file path, or a note that there was none. */
    public String source() {
        return source;
    }

    public BackendKind backend() {
        return backend;
    }

    /** {@code local.dir}: where the local ledger keeps its counters. */
    public Path ledgerDir() {
        return ledgerDir;
    }

    /**
     * {@code local.credits}: the opening balance of each prepaid feature, used while the ledger has none;
     * keyed by the feature's {@link Feature#counter() counter}, which is what the ledger is asked for.
     */
    public Map<String, Long> openingCredits() {
        return openingCredits;
    }

    /** {@code local.customer}: who this install is, for the vendor's top-ups; {@code null} when not set. */
    public String customer() {
        return customer;
    }

    /** This config with {@code local.customer} set; for the reader only. */
    Config withCustomer(String name) {
        this.customer = name;
        return this;
    }

    /** {@code cryptolens.*}, or {@code null} when that section is absent. */
    public CryptolensSettings cryptolens() {
        return cryptolens;
    }

    /** {@code features.*}, by name, in file order. */
    public Map<String, Feature> features() {
        return features;
    }

    /** The exception for denials of a feature: its own, else {@code denied.exception}, else the default. */
    public String exceptionFor(Feature feature) {
        if (feature != null && feature.exception() != null) {
            return feature.exception();
        }
        return deniedException != null ? deniedException : DEFAULT_EXCEPTION;
    }

    /** Where {@link #exceptionFor} came from, for messages: {@code file:line: key}. */
    public String exceptionKeyFor(Feature feature) {
        return problemAt(feature, "").location();
    }

    /** A problem located at the key that names {@code feature}'s denial exception. */
    public Problem problemAt(Feature feature, String message) {
        if (feature != null && feature.exception() != null) {
            return new Problem(source, feature.exceptionLine(), "features." + feature.name() + ".exception", message);
        }
        return new Problem(source, deniedExceptionLine, deniedException != null ? "denied.exception" : "", message);
    }

    /** This config with {@code more} problems, found after reading (for example on the class path). */
    public Config withProblems(List<Problem> more) {
        List<Problem> all = new java.util.ArrayList<>(problems);
        all.addAll(more);
        return new Config(this, source, all, ignored);
    }

    /** This config, read from a pinned config and a customer's file: its source names both, and what was ignored. */
    Config pinned(String bothSources, List<Problem> ignoredKeys, String digest) {
        Config c = new Config(this, bothSources, problems, ignoredKeys);
        c.pinnedDigest = digest;
        return c;
    }

    /**
     * The digest ({@link PinnedConfig#digest}) of the vendor's pinned config this config was read from, or
     * {@code null} when no pinned config was used: what a woven class's recorded digest is compared with.
     */
    public String pinnedDigest() {
        return pinnedDigest;
    }

    /**
     * The keys of the customer's file that the vendor's pinned config decides, each located and with the message
     * "set by the vendor's pinned config; ignored": not applied, and not problems (calls are not denied for
     * them). Empty without a pinned config.
     */
    public List<Problem> ignored() {
        return ignored;
    }

    /**
     * {@code retrofit:}, in file order: the rules whose pattern could be used. A rule with a mistake in its
     * pattern is not here (it is one of the {@link #problems()}); one whose feature is unknown is, so that
     * the methods it names are still denied rather than free.
     */
    public List<Rule> rules() {
        return rules;
    }

    /** {@code journal:}; never {@code null}. */
    public JournalSettings journal() {
        return journal;
    }

    /** {@code log.level}, or {@code null}. */
    public String logLevel() {
        return logLevel;
    }

    /** Everything wrong with the configuration; empty when it can be trusted. */
    public List<Problem> problems() {
        return problems;
    }

    public boolean isValid() {
        return problems.isEmpty();
    }
}
