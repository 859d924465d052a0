package dev.tollgate.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tollgate.agent.log.Log;
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
 * give) and by their raw bytes ({@link ClassPeek}), then Byte Buddy finds the metered methods
 * ({@link MeteredMethods}, by annotation or retrofit rule), registers
 * a {@link Site} for each and inlines {@link MeteredAdvice} with the site id bound as a constant.
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
        private final RetrofitRules rules;

        Installation(Instrumentation instrumentation, ClassFileTransformer transformer, AtomicInteger errors,
                RetrofitRules rules) {
            this.instrumentation = instrumentation;
            this.transformer = transformer;
            this.errors = errors;
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

        public void remove() {
            instrumentation.removeTransformer(transformer);
        }
    }

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
        ClassFileTransformer filtered = new Prefiltered(rules, new Lazy() {
            @Override
            ClassFileTransformer build() {
                return builder(sites, errors, rules).makeRaw();
            }
        });
        instrumentation.addTransformer(filtered, instrumentation.isRetransformClassesSupported());
        return new Installation(instrumentation, filtered, errors, rules);
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
                || internalName.startsWith("net/bytebuddy/") || internalName.contains("$$Lambda");
    }

    /**
     * The pre-filter: whether a class may have metered methods, from its loader, name and raw bytes
     * ({@code null} bytes: unknown, so yes). A class goes on when a retrofit rule names it, or when its
     * bytes mention {@code @Metered} or a supertype outside the platform (which covers the subtypes that
     * '+' rules reach). Shared by the transformer and {@link LoadedClasses}, which picks the already
     * loaded classes to retransform after an attach.
     */
    static boolean mayBeMetered(ClassLoader loader, String internalName, byte[] bytes, RetrofitRules rules) {
        return loader != null && !ignoredName(internalName)
                && (rules.mayMatch(internalName) || ClassPeek.worthALook(bytes));
    }

    /** The cheap gate in front of Byte Buddy. */
    private static final class Prefiltered implements ClassFileTransformer {
        private final RetrofitRules rules;
        private final Lazy delegate;

        Prefiltered(RetrofitRules rules, Lazy delegate) {
            this.rules = rules;
            this.delegate = delegate;
        }

        @Override
        public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                byte[] bytes) throws IllegalClassFormatException {
            if (!mayBeMetered(loader, name, bytes, rules)) {
                return null;
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
            MeteredMethods.Result result = MeteredMethods.find(type, rules.all());
            last.set(new Object[] {type, result});
            return !result.isEmpty();
        }

        MeteredMethods.Result resultFor(TypeDescription type) {
            Object[] l = last.get();
            last.remove();
            if (l != null && l[0] == type) {
                return (MeteredMethods.Result) l[1];
            }
            return MeteredMethods.find(type, rules.all());
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
            MeteredMethods.Result result = types.resultFor(type);
            for (String refusal : result.refused) {
                Log.errorOnce(refusal, refusal);
            }
            for (MeteredMethods.Found f : result.metered) {
                Site site = sites.register(f.feature, f.cost, type.getName(), MeteredMethods.signature(f.method),
                        f.origin);
                rules.matched(f);
                builder = builder.visit(Advice.withCustomMapping()
                        .bind(SiteId.class, site.id())
                        .to(advice, adviceLocator)
                        .on(named(f.method.getName()).and(hasDescriptor(f.method.getDescriptor()))));
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
