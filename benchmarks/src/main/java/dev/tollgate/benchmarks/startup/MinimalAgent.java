package dev.tollgate.benchmarks.startup;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicLong;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * The yardstick for the startup benchmark: the smallest useful Byte Buddy agent. A plain
 * {@link AgentBuilder} installs one advice on every method annotated {@code @dev.tollgate.Metered},
 * matched by name, and the advice only counts calls. It is built into {@code benchmarks/target/minimal-agent.jar}
 * with an unrelocated Byte Buddy, as a vendor's first agent would be.
 *
 * <pre>java -javaagent:benchmarks/target/minimal-agent.jar -jar app.jar</pre>
 */
public final class MinimalAgent {

    /** Calls of annotated methods so far; public so that inlined advice can reach it from host code. */
    public static final AtomicLong CALLS = new AtomicLong();

    private MinimalAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        new AgentBuilder.Default()
                .type(declaresMethod(isAnnotatedWith(named("dev.tollgate.Metered"))))
                .transform((builder, type, loader, module, domain) -> builder.visit(
                        Advice.to(CountingAdvice.class).on(isAnnotatedWith(named("dev.tollgate.Metered")))))
                .installOn(instrumentation);
    }

    /** Inlined at the start of each annotated method. */
    public static final class CountingAdvice {
        private CountingAdvice() {
        }

        @Advice.OnMethodEnter
        static void enter() {
            CALLS.incrementAndGet();
        }
    }
}
