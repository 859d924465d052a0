package dev.tollgate.agent.forked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which JDKs the forked tests run on, on machines with other JDKs than the build machine's. */
class ItJdksTest {

    @TempDir
    Path dir;

    private ForkedJvm.Jdk running() throws IOException {
        return new ForkedJvm.Jdk("jdk17", fakeJdk(dir.resolve("running"), "17.0.15"));
    }

    @Test
    void onAMachineWithOnlyTheJdkRunningMavenTheForkedTestsRunOnItAlone() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("jvm"));

        List<ForkedJvm.Jdk> jdks = ItJdks.select("auto", running(), 17, List.of(empty, dir.resolve("absent")));

        assertThat(jdks).extracting(ForkedJvm.Jdk::name).containsExactly("jdk17");
    }

    @Test
    void anUnsetPropertyMeansAuto() throws IOException {
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        fakeJdk(jvm.resolve("temurin-25"), "25.0.3");

        assertThat(ItJdks.select(null, running(), 17, List.of(jvm))).extracting(ForkedJvm.Jdk::name)
                .containsExactly("jdk17", "jdk25");
        assertThat(ItJdks.select("", running(), 17, List.of(jvm))).extracting(ForkedJvm.Jdk::name)
                .containsExactly("jdk17", "jdk25");
    }

    @Test
    void autoAddsOnlyTheNewestJdkInstalledBesideTheRunningOne() throws IOException {
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        fakeJdk(jvm.resolve("jdk-11"), "11.0.2");
        fakeJdk(jvm.resolve("jdk-21"), "21.0.5");
        Path newest = fakeJdk(jvm.resolve("temurin-25"), "25.0.3");
        Files.createDirectories(jvm.resolve("not-a-jdk"));

        List<ForkedJvm.Jdk> jdks = ItJdks.select("auto", running(), 17, List.of(jvm));

        assertThat(jdks).extracting(ForkedJvm.Jdk::name).containsExactly("jdk17", "jdk25");
        assertThat(jdks.get(1).home()).isEqualTo(newest);
    }

    @Test
    void autoAddsNothingWhenNoInstalledJdkIsNewerThanTheRunningOne() throws IOException {
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        fakeJdk(jvm.resolve("jdk-11"), "11.0.2");
        fakeJdk(jvm.resolve("jdk8"), "1.8.0_402");

        assertThat(ItJdks.select("auto", running(), 17, List.of(jvm))).extracting(ForkedJvm.Jdk::name)
                .containsExactly("jdk17");
    }

    @Test
    void autoFindsAJdkInTheMacOsLayout() throws IOException {
        Path vms = Files.createDirectories(dir.resolve("JavaVirtualMachines"));
        Path home = fakeJdk(vms.resolve("temurin-25.jdk").resolve("Contents").resolve("Home"), "25.0.1");

        List<ForkedJvm.Jdk> jdks = ItJdks.select("auto", running(), 17, List.of(vms));

        assertThat(jdks).extracting(ForkedJvm.Jdk::home).containsExactly(running().home(), home);
    }

    @Test
    void noneRunsTheForkedTestsOnTheJdkRunningMavenOnly() throws IOException {
        Path jvm = Files.createDirectories(dir.resolve("jvm"));
        fakeJdk(jvm.resolve("temurin-25"), "25.0.3");

        assertThat(ItJdks.select("none", running(), 17, List.of(jvm))).extracting(ForkedJvm.Jdk::name)
                .containsExactly("jdk17");
    }

    @Test
    void namedJdksAreUsedAsGivenAndTheRunningOneIsNotRepeated() throws IOException {
        Path jdk25 = fakeJdk(dir.resolve("elsewhere").resolve("jdk-25"), "25.0.3");
        Path jdk21 = fakeJdk(dir.resolve("jdk-21"), "21.0.5");
        ForkedJvm.Jdk running = running();

        List<ForkedJvm.Jdk> jdks = ItJdks.select(" " + jdk25 + " , " + running.home() + "," + jdk21 + ",", running, 17,
                List.of());

        assertThat(jdks).extracting(ForkedJvm.Jdk::home).containsExactly(running.home(), jdk25, jdk21);
        assertThat(jdks).extracting(ForkedJvm.Jdk::name).containsExactly("jdk17", "jdk25", "jdk21");
    }

    @Test
    void aNamedJdkThatIsMissingFailsTheForkedTestsNamingItsPathAndTheWayOut() throws IOException {
        Path missing = dir.resolve("usr").resolve("lib").resolve("jvm").resolve("temurin-25-jdk-amd64");
        ForkedJvm.Jdk running = running();

        assertThatThrownBy(() -> ItJdks.select(missing.toString(), running, 17, List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the JDK named by tollgate.it.jdks (or TOLLGATE_IT_JDKS) is not at " + missing)
                .hasMessageContaining("-Dtollgate.it.jdks=<home>,<home>")
                .hasMessageContaining("none for only the JDK running Maven");
    }

    @Test
    void aNamedFolderWithoutJavaIsMissingToo() throws IOException {
        Path notAJdk = Files.createDirectories(dir.resolve("jdk-25"));
        ForkedJvm.Jdk running = running();

        assertThatThrownBy(() -> ItJdks.select(running.home() + "," + notAJdk, running, 17, List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not at " + notAJdk + " (no executable bin/java there)");
    }

    @Test
    void theFeatureVersionComesFromTheReleaseFile() throws IOException {
        assertThat(ItJdks.feature(fakeJdk(dir.resolve("a"), "25.0.3"))).isEqualTo(25);
        assertThat(ItJdks.feature(fakeJdk(dir.resolve("b"), "1.8.0_402"))).isEqualTo(8);
        assertThat(ItJdks.feature(fakeJdk(dir.resolve("c"), "26-ea"))).isEqualTo(26);
        assertThat(ItJdks.feature(Files.createDirectories(dir.resolve("d")))).isZero();
    }

    private static Path fakeJdk(Path home, String version) throws IOException {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
