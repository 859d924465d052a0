package dev.tollgate.agent.backend.cryptolens;

import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import dev.tollgate.agent.backend.cryptolens.Reply.DataObject;
import dev.tollgate.agent.config.CryptolensSettings;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import okhttp3.OkHttpClient;

/**
 * The {@code cryptolens} backend: counters are int32 data objects on a license key (or on one machine's
 * activation when a machine code is set), moved with {@code DecrementIntValueToKey} (credits) and
 * {@code IncrementIntValueToKey} (usage) with the server's inclusive bound.
 *
 * <pre>{@code
 * try (CryptolensBackend b = new CryptolensBackend(settings)) {
 *     Outcome o = b.take("credits", 1, 0);
 * }
 * }</pre>
 *
 * <p>What it answers:
 * <ul>
 *   <li>{@code GRANTED} with value {@link Outcome#UNKNOWN}: the service does not return the new value,
 *       and a second call per step to learn it is not worth its latency; {@link #read} gives it.</li>
 *   <li>{@code BOUND_REACHED} with the counter's value, learned by listing the counter once after the
 *       refusal (the service's bound-reached text is not known, so the list is also how a refusal is told
 *       apart from others). A missing credits counter is {@code BOUND_REACHED} with {@link Outcome#UNKNOWN}.</li>
 *   <li>{@code MISCONFIGURED} for settings with {@linkplain CryptolensSettings#problems() problems}, for
 *       arguments outside int32, and for refusals that name the token, key or product.</li>
 *   <li>{@code UNAVAILABLE} for everything the network or the service's format does; ambiguous when a
 *       counter step may have been applied although its answer was lost.</li>
 * </ul>
 *
 * <p>No method throws. The token is in the form body only and is redacted from every detail, warning
 * and {@code toString}. Thread-safe; counter ids are looked up once per name and cached. The HTTP client
 * is built on the first call, not in the constructor.
 */
public final class CryptolensBackend implements Backend {

    private final CryptolensSettings settings;
    private final Redactor redactor;
    private final Consumer<String> warnings;
    private final UnaryOperator<OkHttpClient.Builder> tweak;
    private final Refusals refusals;
    private final String settingsProblem;
    private final ConcurrentMap<String, Long> ids = new ConcurrentHashMap<>();
    /*
     * Locks, not monitors, around the two steps that callers can wait for (building the client, creating a
     * counter over the network): on JDK 21-23 a virtual thread that waits for a monitor pins its carrier.
     */
    private final ConcurrentMap<String, ReentrantLock> createLocks = new ConcurrentHashMap<>();
    private final Set<String> warnedOnce = ConcurrentHashMap.newKeySet();
    private final ReentrantLock wireLock = new ReentrantLock();
    private volatile Wire wire;
    private volatile boolean closed;

    /** Warnings go to standard error with a {@code [tollgate] } prefix. */
    public CryptolensBackend(CryptolensSettings settings) {
        this(settings, null);
    }

    /**
     * @param warnings receives one line per warning (never a token); null for standard error
     */
    public CryptolensBackend(CryptolensSettings settings, Consumer<String> warnings) {
        this(settings, warnings, null);
    }

    /** For tests: {@code tweak} may change the OkHttp client (socket factories, ...). */
    CryptolensBackend(CryptolensSettings settings, Consumer<String> warnings,
            UnaryOperator<OkHttpClient.Builder> tweak) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.redactor = new Redactor(settings.token());
        this.warnings = warnings != null ? warnings : m -> System.err.println("[tollgate] " + m);
        this.tweak = tweak;
        this.refusals = new Refusals(settings);
        this.settingsProblem = settings.problems().isEmpty() ? null
                : redactor.apply("cryptolens settings: " + String.join("; ", settings.problems()));
    }

    @Override
    public Outcome take(String counter, long units, long lowerBound) {
        try {
            checkCounter(counter);
            int amount = checkUnits(units);
            int bound = checkInt32(lowerBound, "lowerBound");
            return step(Endpoint.DECREMENT, counter, amount, true, bound);
        } catch (Unusable u) {
            return u.outcome();
        } catch (Throwable t) {
            return internalError("take", t, true);
        }
    }

    @Override
    public Outcome add(String counter, long units, long cap) {
        try {
            checkCounter(counter);
            int amount = checkUnits(units);
            boolean capped = cap != NO_CAP;
            int bound = capped ? checkInt32(cap, "cap") : 0;
            return step(Endpoint.INCREMENT, counter, amount, capped, bound);
        } catch (Unusable u) {
            return u.outcome();
        } catch (Throwable t) {
            return internalError("add", t, true);
        }
    }

    /** The counter's value; a counter that does not exist reads 0 (no credits, no usage) and is not created. */
    @Override
    public Outcome read(String counter) {
        try {
            checkCounter(counter);
            DataObject found = lookup(wire(), counter);
            return Outcome.granted(found == null ? 0 : found.intValue);
        } catch (Unusable u) {
            return u.outcome();
        } catch (Throwable t) {
            return internalError("read", t, false);
        }
    }

    /**
     * {@code cryptolens-<product>-<hash>}: a hash of the key (and machine code), not the key itself, names the
     * folder of this license's journals.
     */
    @Override
    public String journalScope() {
        String who = settings.key() + (settings.machineCode() == null ? "" : "/" + settings.machineCode());
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(who.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("cryptolens-").append(settings.productId()).append('-');
            for (int i = 0; i < 8; i++) {
                hex.append(Character.forDigit((d[i] >> 4) & 15, 16)).append(Character.forDigit(d[i] & 15, 16));
            }
            return hex.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            return "cryptolens-" + settings.productId(); // every JVM has SHA-256
        }
    }

    @Override
    public String describe() {
        return "cryptolens " + redactor.apply(settings.url()) + " product " + settings.productId() + " key "
                + settings.maskedKey()
                + (settings.machineCode() == null ? "" : " machine code " + settings.machineCode())
                + (settingsProblem == null ? "" : " (misconfigured)");
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public void close() {
        closed = true;
        Wire w;
        wireLock.lock();
        try {
            w = wire;
            wire = null;
        } finally {
            wireLock.unlock();
        }
        if (w != null) {
            w.close();
        }
    }

    /** Whether the HTTP client has been built (it is built on the first call). */
    boolean connected() {
        return wire != null;
    }

    // --- the steps ---

    private Outcome step(Endpoint endpoint, String counter, int units, boolean bounded, int bound) throws Unusable {
        Wire w = wire();
        Long id = ids.get(counter);
        if (id == null) {
            DataObject found = lookup(w, counter);
            if (found != null) {
                id = found.id;
            } else if (endpoint == Endpoint.DECREMENT) {
                return missingCredits(counter);
            } else {
                id = create(w, counter);
            }
        }
        for (int attempt = 0; ; attempt++) {
            Reply reply = w.post(endpoint, "Id", Long.toString(id), "IntValue", Integer.toString(units),
                    "EnableBound", Boolean.toString(bounded), "Bound", Integer.toString(bounded ? bound : 0));
            if (reply.ok()) {
                return Outcome.granted(Outcome.UNKNOWN);
            }
            Outcome decided = refusals.decide(endpoint, reply.message());
            if (decided != null) {
                return decided;
            }
            // Bound reached, object gone, or an unknown text: the counter as it is now tells which.
            DataObject now = lookup(w, counter);
            if (now == null) {
                ids.remove(counter, id);
                if (endpoint == Endpoint.DECREMENT) {
                    return missingCredits(counter);
                }
                if (attempt > 0) {
                    return Outcome.unavailable(redactor.apply("usage counter '" + counter
                            + "' disappeared again right after it was created"));
                }
                id = create(w, counter);
                continue;
            }
            if (now.id != id && attempt == 0) {
                id = now.id; // replaced by another object of the same name: step that one, once
                continue;
            }
            return afterRefusal(endpoint, counter, units, bounded, bound, reply.message(), now);
        }
    }

    private Outcome afterRefusal(Endpoint endpoint, String counter, int units, boolean bounded, int bound,
            String message, DataObject now) {
        long value = now.intValue;
        long after = endpoint == Endpoint.DECREMENT ? value - units : value + units;
        if (bounded && (endpoint == Endpoint.DECREMENT ? after < bound : after > bound)) {
            return Outcome.boundReached(value);
        }
        if (after > Integer.MAX_VALUE || after < Integer.MIN_VALUE) {
            warnOnce("int32:" + counter, "usage counter '" + counter + "' is at " + value
                    + " and cannot grow by " + units + " within int32; reset it on the vendor's side");
            return Outcome.boundReached(value);
        }
        return redacted(refusals.refusedWithRoom(endpoint, message, counter, value, units));
    }

    private Outcome missingCredits(String counter) {
        warnOnce("missing:" + counter, "credits counter '" + counter + "' does not exist on license key "
                + settings.maskedKey() + " of product " + settings.productId()
                + (settings.machineCode() == null ? "" : " (machine code " + settings.machineCode() + ")")
                + ", so it holds no credits and every take is refused; create a data object named '" + counter
                + "' holding the credits bought");
        return Outcome.boundReached(Outcome.UNKNOWN);
    }

    /** Lists objects whose name contains {@code counter}, keeps the exact name, caches its id. */
    private DataObject lookup(Wire w, String counter) throws Unusable {
        Reply reply = w.post(Endpoint.LIST, "Contains", counter);
        if (!reply.ok()) {
            throw new Unusable(redacted(refusals.decide(Endpoint.LIST, reply.message())));
        }
        List<DataObject> all = reply.dataObjects();
        DataObject oldest = null;
        int same = 0;
        for (DataObject d : all) {
            if (counter.equals(d.name)) {
                same++;
                if (oldest == null || d.id < oldest.id) {
                    oldest = d;
                }
            }
        }
        if (same > 1) {
            warnOnce("duplicate:" + counter, same + " data objects are named '" + counter + "' on license key "
                    + settings.maskedKey() + "; using the oldest (id " + oldest.id
                    + "); remove the others");
        }
        if (oldest != null) {
            ids.put(counter, oldest.id);
        }
        return oldest;
    }

    /** Creates a usage counter at 0 (refused by the service if one of that name exists) and returns its id. */
    private long create(Wire w, String counter) throws Unusable {
        ReentrantLock lock = createLocks.computeIfAbsent(counter, k -> new ReentrantLock());
        lock.lock();
        try {
            Long known = ids.get(counter);
            if (known != null) {
                return known;
            }
            Reply reply = w.post(Endpoint.ADD, "Name", counter, "IntValue", "0", "CheckForDuplicates", "true");
            if (reply.ok() && reply.id() != null) {
                ids.put(counter, reply.id());
                return reply.id();
            }
            if (!reply.ok()) {
                Outcome decided = refusals.decide(Endpoint.ADD, reply.message());
                if (decided != null) {
                    throw new Unusable(redacted(decided));
                }
            }
            // Created without an id in the reply, or refused because another agent created it first.
            DataObject found = lookup(w, counter);
            if (found != null) {
                return found.id;
            }
            throw new Unusable(reply.ok()
                    ? Outcome.unavailable(redactor.apply(Endpoint.ADD.name(settings.machineCode() != null)
                            + " created counter '" + counter + "' but the counter could not be found afterwards"))
                    : redacted(refusals.createRefused(counter, reply.message())));
        } finally {
            lock.unlock();
        }
    }

    // --- plumbing ---

    private Wire wire() throws Unusable {
        if (settingsProblem != null) {
            throw new Unusable(Outcome.misconfigured(settingsProblem));
        }
        Wire w = wire;
        if (w == null) {
            wireLock.lock();
            try {
                if (closed) {
                    throw new Unusable(Outcome.unavailable("the cryptolens backend is closed"));
                }
                w = wire;
                if (w == null) {
                    w = Wire.open(settings, redactor, tweak);
                    wire = w;
                }
            } finally {
                wireLock.unlock();
            }
        }
        if (closed) {
            throw new Unusable(Outcome.unavailable("the cryptolens backend is closed"));
        }
        return w;
    }

    private static void checkCounter(String counter) throws Unusable {
        if (counter == null || counter.trim().isEmpty()) {
            throw new Unusable(Outcome.misconfigured("the counter name is empty"));
        }
    }

    private static int checkUnits(long units) throws Unusable {
        if (units < 0) {
            throw new Unusable(Outcome.misconfigured("units must not be negative, got " + units
                    + " (Cryptolens would move the counter by the absolute value)"));
        }
        return checkInt32(units, "units");
    }

    private static int checkInt32(long value, String what) throws Unusable {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new Unusable(Outcome.misconfigured(what + " " + value + " is outside the int32 range of a "
                    + "Cryptolens data object (" + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")"));
        }
        return (int) value;
    }

    /** The same outcome with its detail passed through the redactor. */
    private Outcome redacted(Outcome o) {
        String d = o.detail();
        if (d == null) {
            return o;
        }
        String r = redactor.apply(d);
        return r.equals(d) ? o : o.withDetail(r);
    }

    private Outcome internalError(String operation, Throwable t, boolean moves) {
        String detail;
        try {
            detail = Wire.clip(redactor.apply("internal error in cryptolens " + operation + ": " + Wire.describe(t)), 500);
        } catch (Throwable again) {
            detail = "internal error in cryptolens " + operation;
        }
        warn(detail);
        // It may have struck after the request went out.
        return moves ? Outcome.ambiguous(detail) : Outcome.unavailable(detail);
    }

    private void warnOnce(String topic, String message) {
        if (warnedOnce.add(topic)) {
            warn(message);
        }
    }

    private void warn(String message) {
        String m = redactor.apply(message);
        try {
            warnings.accept(m);
        } catch (Throwable t) {
            System.err.println("[tollgate] " + m);
        }
    }
}
