package dev.tollgate.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tollgate.agent.log.Log;
import dev.tollgate.agent.rules.Decision;
import dev.tollgate.agent.rules.MeteredMethod;
import dev.tollgate.agent.rules.MeteringRules;
import dev.tollgate.agent.rules.RetrofitRules;
import dev.tollgate.agent.site.Site;
import dev.tollgate.agent.site.Sites;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the metering transformer: classes are pre-filtered by name (also the names retrofit rules
 * give), by their raw bytes ({@link ClassPeek}) and by their supertypes' raw bytes ({@link Ancestry}).
 * A class whose metered methods are all its own annotated methods is woven with plain ASM
 * ({@link DirectWeaver}); one that may inherit a metered method, or that a retrofit rule may reach, goes
 * to Byte Buddy, whose type description ({@link TypeShape}) {@link MeteringRules} decides on, by annotation
 * or rule. Either way a {@link Site} is registered for each metered method and the advice
 * ({@link MeteredAdvice}) is inlined with the site id bound as a constant.
 *
 * <pre>{@code
 * Installer.Installation installed = Installer.install(instrumentation, sites);
 * ...
 * installed.remove();   // tests only
 * }</pre>
 */
public final class Installer {

    private Installer() {
    }

    /** An installed transformer; {@link #remove()} takes it out again (for tests). */
    public static final class Installation {
        private final Instrumentation instrumentation;
        private final ClassFileTransformer transformer;
        private final AtomicInteger errors;
        private final AtomicInteger woven;
        private final RetrofitRules rules;

        Installation(Instrumentation instrumentation, ClassFileTransformer transformer, AtomicInteger errors,
                AtomicInteger woven, RetrofitRules rules) {
            this.instrumentation = instrumentation;
            this.transformer = transformer;
            this.errors = errors;
            this.woven = woven;
            this.rules = rules;
        }

        /** The retrofit rules this transformer meters by. */
        RetrofitRules rules() {
            return rules;
        }

        /** How many classes failed to transform (each was reported once). */
        public int errors() {
            return errors.get();
        }

        /** How many classes were woven without Byte Buddy ({@link DirectWeaver}). */
        public int wovenDirectly() {
            return woven.get();
        }

        public void remove() {
            instrumentation.removeTransformer(transformer);
        }
    }

    /**
     * {@code -Dtollgate.instrument=bytebuddy} sends every candidate class to Byte Buddy, none to
     * {@link DirectWeaver}: a switch for diagnosing, and for comparing the two in tests.
     */
    static final String INSTRUMENT_PROPERTY = "tollgate.instrument";
    static final String BYTE_BUDDY_ONLY = "bytebuddy";

    /**
     * Installs the transformer for classes loaded from now on. Byte Buddy itself is built only when the
     * first class passes the pre-filter, so a JVM without metered classes never loads it.
     */
    public static Installation install(Instrumentation instrumentation, Sites sites) {
        return install(instrumentation, sites, RetrofitRules.NONE);
    }

    /** As {@link #install(Instrumentation, Sites)}, metering also the methods that retrofit rules match. */
    public static Installation install(Instrumentation instrumentation, final Sites sites, final RetrofitRules rules) {
        final AtomicInteger errors = new AtomicInteger();
        AtomicInteger woven = new AtomicInteger();
        ClassFileTransformer filtered = new Prefiltered(rules, new Lazy() {
            @Override
            ClassFileTransformer build() {
                return builder(sites, errors, rules).makeRaw();
            }
        }, sites, !BYTE_BUDDY_ONLY.equals(System.getProperty(INSTRUMENT_PROPERTY)), woven);
        instrumentation.addTransformer(filtered, instrumentation.isRetransformClassesSupported());
        return new Installation(instrumentation, filtered, errors, woven, rules);
    }

    /** Builds the Byte Buddy transformer once, on first use. */
    private abstract static class Lazy {
        private volatile ClassFileTransformer built;

        abstract ClassFileTransformer build();

        ClassFileTransformer get() {
            ClassFileTransformer t = built;
            if (t == null) {
                synchronized (this) {
                    t = built;
                    if (t == null) {
                        t = build();
                        built = t;
                    }
                }
            }
            return t;
        }
    }

    static AgentBuilder builder(Sites sites, AtomicInteger errors) {
        return builder(sites, errors, RetrofitRules.NONE);
    }

    static AgentBuilder builder(Sites sites, AtomicInteger errors, RetrofitRules rules) {
        MeteredTypes types = new MeteredTypes(rules);
        return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new CachedPools())
                .with(new Failures(errors))
                .ignore(net.bytebuddy.matcher.ElementMatchers.<TypeDescription>none())
                .type(types)
                .transform(new Transformer(types, sites, rules));
    }

    /** Skips what cannot be metered before Byte Buddy parses anything. */
    static boolean ignoredName(String internalName) {
        return internalName == null
                || internalName.startsWith("java/") || internalName.startsWith("javax/")
                || internalName.startsWith("jdk/") || internalName.startsWith("sun/")
                || internalName.startsWith("com/sun/") || internalName.startsWith("dev/tollgate/agent/")
                || (internalName.startsWith("dev/tollgate/") && internalName.indexOf('/', "dev/tollgate/".length()) < 0)
                || internalName.startsWith("net/bytebuddy/") || internalName.contains("$$Lambda")
                || internalName.startsWith(OTEL_AGENT_PACKAGE);
    }

    /**
     * The pre-filter for retransformation after an attach ({@link LoadedClasses}): whether a class may
     * have metered methods, from its loader, name and raw bytes ({@code null} bytes: unknown, so yes). A
     * superset of what the transformer's own gate lets through, which then decides.
     */
    static boolean mayBeMetered(ClassLoader loader, String internalName, byte[] bytes, RetrofitRules rules) {
        return loader != null && !ignoredName(internalName) && !ignoredLoader(loader)
                && (rules.mayMatch(internalName) || ClassPeek.worthALook(bytes)) && !ClassPeek.look(bytes).woven;
    }

    /**
     * The OpenTelemetry Java agent's own code: its bootstrap and tooling classes and the helpers it injects
     * into application class loaders. Thousands of classes that can carry no {@code @Metered}, and that would
     * otherwise pass the pre-filter (they extend each other) and make Byte Buddy parse them.
     */
    private static final String OTEL_AGENT_PACKAGE = "io/opentelemetry/javaagent/";

    /**
     * Class loaders of other agents, whose classes are the agent's own business (OpenTelemetry's
     * {@code AgentClassLoader}, {@code ExtensionClassLoader} and its per-module loaders, which load its
     * unrelocated copies of the SDK, Byte Buddy and others).
     */
    static boolean ignoredLoader(ClassLoader loader) {
        return loader.getClass().getName().startsWith("io.opentelemetry.javaagent.");
    }

    /**
     * The cheap gate in front of Byte Buddy: names, then the class's bytes, then its supertypes' bytes. A class
     * whose metered methods can only be its own is woven here directly ({@link DirectWeaver}); the rest goes
     * to Byte Buddy, which is built the first time it is needed.
     */
    private static final class Prefiltered implements ClassFileTransformer {
        private final RetrofitRules rules;
        private final Lazy delegate;
        private final Sites sites;
        private final boolean direct;
        private final AtomicInteger woven;
        private final Ancestry ancestry = new Ancestry();

        Prefiltered(RetrofitRules rules, Lazy delegate, Sites sites, boolean direct, AtomicInteger woven) {
            this.rules = rules;
            this.delegate = delegate;
            this.sites = sites;
            this.direct = direct;
            this.woven = woven;
        }

        @Override
        public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                byte[] bytes) throws IllegalClassFormatException {
            if (loader == null || ignoredName(name) || ignoredLoader(loader)) {
                return null;
            }
            ClassPeek.Look look = ClassPeek.look(bytes);
            if (look.woven) {
                return null; // woven at build time: it calls the runtime itself, and retrofit rules do not reach it
            }
            // Rules are matched by Byte Buddy only: a class a rule names, or any class with an application
            // supertype when a '+' rule could reach it through that supertype.
            boolean byRule = rules.mayMatch(name) || (rules.hasSubtypeRules() && look.supertypes != null);
            boolean mayInherit = false;
            if (!byRule) {
                if (look == ClassPeek.Look.NOTHING) {
                    return null;
                }
                mayInherit = look.supertypes != null && ancestry.mayInherit(loader, look.supertypes);
                if (!look.mentions && !mayInherit) {
                    return null;
                }
            }
            if (direct && !byRule && look != ClassPeek.Look.UNKNOWN && !mayInherit) {
                try {
                    byte[] woven = DirectWeaver.weave(bytes, sites);
                    if (woven == DirectWeaver.UNCHANGED) {
                        return null;
                    }
                    if (woven != null) {
                        this.woven.incrementAndGet();
                        return woven;
                    }
                } catch (Throwable t) {
                    Log.debug("weaving " + name.replace('/', '.') + " directly failed (" + t + "); Byte Buddy takes it");
                }
            }
            try {
                return delegate.get().transform(loader, name, redefined, domain, bytes);
            } catch (Throwable t) {
                Log.warnOnce("transform:" + name, "could not meter " + name.replace('/', '.') + ": " + t);
                return null;
            }
        }
    }

    /** Matches types with at least one metered (or refused) method; remembers the answer for the transformer. */
    static final class MeteredTypes implements ElementMatcher<TypeDescription> {
        private final ThreadLocal<Object[]> last = new ThreadLocal<>();
        private final RetrofitRules rules;

        MeteredTypes(RetrofitRules rules) {
            this.rules = rules;
        }

        @Override
        public boolean matches(TypeDescription type) {
            if (type.isAnnotation()) {
                return false;
            }
            Decision decision = MeteringRules.decide(TypeShape.of(type), rules.all());
            last.set(new Object[] {type, decision});
            return !decision.isEmpty();
        }

        Decision resultFor(TypeDescription type) {
            Object[] l = last.get();
            last.remove();
            if (l != null && l[0] == type) {
                return (Decision) l[1];
            }
            return MeteringRules.decide(TypeShape.of(type), rules.all());
        }
    }

    private static final class Transformer implements AgentBuilder.Transformer {
        private final MeteredTypes types;
        private final Sites sites;
        private final RetrofitRules rules;
        private final TypeDescription advice;
        private final ClassFileLocator adviceLocator;

        Transformer(MeteredTypes types, Sites sites, RetrofitRules rules) {
            this.types = types;
            this.sites = sites;
            this.rules = rules;
            this.advice = TypeDescription.ForLoadedType.of(MeteredAdvice.class);
            byte[] bytes;
            try {
                bytes = ClassFileLocator.ForClassLoader.read(MeteredAdvice.class);
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot read the advice class", e);
            }
            this.adviceLocator = ClassFileLocator.Simple.of(MeteredAdvice.class.getName(), bytes);
        }

        @Override
        public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                ClassLoader loader, JavaModule module, ProtectionDomain domain) {
            Decision decision = types.resultFor(type);
            for (String refusal : decision.refused()) {
                Log.errorOnce(refusal, refusal);
            }
            for (MeteredMethod m : decision.metered()) {
                Site site = sites.register(m.feature(), m.costGiven() ? m.cost() : Site.COST_NOT_GIVEN, m.className(), m.method(), m.origin());
                rules.matched(m);
                builder = builder.visit(Advice.withCustomMapping()
                        .bind(SiteId.class, site.id())
                        .to(advice, adviceLocator)
                        .on(named(m.name()).and(hasDescriptor(m.descriptor()))));
            }
            return builder;
        }
    }

    /** Reports each class that failed to transform once, and counts them. */
    private static final class Failures extends AgentBuilder.Listener.Adapter {
        private final AtomicInteger errors;

        Failures(AtomicInteger errors) {
            this.errors = errors;
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            errors.incrementAndGet();
            Log.warnOnce("transform:" + typeName, "could not meter " + typeName + ": " + t);
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            Log.debug("metered methods of " + type.getName() + " instrumented");
        }
    }
}
