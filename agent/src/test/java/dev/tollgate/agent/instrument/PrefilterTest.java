package dev.tollgate.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

/** The cheap checks in front of Byte Buddy: names, then raw class bytes. */
class PrefilterTest {

    private static byte[] bytesOf(String className) throws IOException {
        try (InputStream in = PrefilterTest.class.getClassLoader()
                .getResourceAsStream(className.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void aClassThatMentionsTheAnnotationIsWorthALook() throws IOException {
        assertThat(ClassPeek.worthALook(bytesOf("fixtures.Paid"))).isTrue();
        assertThat(ClassPeek.worthALook(bytesOf("fixtures.Toolkit"))).as("annotated type").isTrue();
    }

    @Test
    void aClassWithOnlyPlatformSupertypesAndNoAnnotationIsPassedOver() throws IOException {
        assertThat(ClassPeek.worthALook(bytesOf("fixtures.Bodies"))).isFalse();
        assertThat(ClassPeek.worthALook(bytesOf("fixtures.OutOfCreditsException"))).isFalse();
    }

    @Test
    void aClassWithAnApplicationSupertypeMayInheritAMeteredMethod() throws IOException {
        assertThat(ClassPeek.worthALook(bytesOf("fixtures.Sub"))).as("extends fixtures.Base").isTrue();
        assertThat(ClassPeek.worthALook(bytesOf("fixtures.CsvExporter"))).as("implements fixtures.Exporter").isTrue();
    }

    @Test
    void bytesThatCannotBeReadAreLeftToByteBuddy() {
        assertThat(ClassPeek.worthALook(new byte[] {1, 2, 3})).isTrue();
        assertThat(ClassPeek.worthALook(null)).isTrue();
        byte[] truncated = new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 52, 0, 40, 1};
        assertThat(ClassPeek.worthALook(truncated)).isTrue();
    }

    @Test
    void thePlatformAndTheAgentAreIgnoredByNameButProductsInOtherDevTollgatePackagesAreNot() {
        assertThat(Installer.ignoredName("java/lang/String")).isTrue();
        assertThat(Installer.ignoredName("jdk/internal/misc/Unsafe")).isTrue();
        assertThat(Installer.ignoredName("dev/tollgate/agent/meter/Metering")).isTrue();
        assertThat(Installer.ignoredName("dev/tollgate/UsageDeniedException")).isTrue();
        assertThat(Installer.ignoredName("com/acme/Foo$$Lambda$14")).isTrue();
        assertThat(Installer.ignoredName(null)).isTrue();
        assertThat(Installer.ignoredName("dev/tollgate/benchmarks/MeteredCallBenchmark$Feature")).isFalse();
        assertThat(Installer.ignoredName("com/acme/reports/ReportExporter")).isFalse();
    }

    @Test
    void theOpenTelemetryAgentsOwnClassesAndLoadersAreIgnored() {
        assertThat(Installer.ignoredName("io/opentelemetry/javaagent/bootstrap/AgentClassLoader")).isTrue();
        assertThat(Installer.ignoredName("io/opentelemetry/javaagent/instrumentation/jdbc/JdbcSingletons")).isTrue();
        // The application's own use of the OpenTelemetry API is application code.
        assertThat(Installer.ignoredName("io/opentelemetry/api/GlobalOpenTelemetry")).isFalse();
        assertThat(Installer.ignoredLoader(PrefilterTest.class.getClassLoader())).isFalse();
    }

    @Test
    void aSubclassIsWorthALookOnlyWhenASupertypeMentionsTheAnnotation() throws IOException {
        ClassLoader loader = PrefilterTest.class.getClassLoader();
        ClassPeek.Look sub = ClassPeek.look(bytesOf("fixtures.Sub"));
        assertThat(sub.supertypes).containsExactly("fixtures/Base");
        assertThat(new Ancestry().mayInherit(loader, sub.supertypes)).as("Base declares @Metered work()").isTrue();
        ClassPeek.Look csv = ClassPeek.look(bytesOf("fixtures.CsvExporter"));
        assertThat(new Ancestry().mayInherit(loader, csv.supertypes)).as("Exporter declares @Metered write()").isTrue();

        // fixtures.plugin.PluginExporter implements only java.util.function.Supplier: nothing to inherit.
        assertThat(ClassPeek.look(bytesOf("fixtures.PluginLoader"))).isSameAs(ClassPeek.Look.NOTHING);
        // This test extends nothing of its own, but a class extending it inherits nothing metered either,
        // and neither does one whose supertype's class file cannot be found.
        Ancestry ancestry = new Ancestry();
        assertThat(ancestry.mayInherit(loader, new String[] {"dev/tollgate/agent/instrument/PrefilterTest"})).isFalse();
        assertThat(ancestry.mayInherit(loader, new String[] {"com/acme/Missing"})).isFalse();
        // Two levels up: a class extending Sub inherits Base's metered method.
        assertThat(ancestry.mayInherit(loader, new String[] {"fixtures/Sub"})).isTrue();
    }
}
