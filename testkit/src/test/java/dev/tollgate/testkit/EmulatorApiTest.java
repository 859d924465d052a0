package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The programmatic API: handles, validation of bad input, ports, sockets. */
class EmulatorApiTest {

    @Test
    void acceptedSocketsHaveTcpNoDelay() throws Exception {
        try (ServerSocket server = new NoDelayServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            assertThat(accepted.getTcpNoDelay()).isTrue();
            assertThat(client.isConnected()).isTrue();
        }
    }

    @Test
    void theFactorysOtherShapesBindToo() throws Exception {
        NoDelayServerSocketFactory factory = new NoDelayServerSocketFactory();
        try (ServerSocket a = factory.createServerSocket(0); ServerSocket b = factory.createServerSocket(0, 5)) {
            assertThat(a.isBound()).isTrue();
            assertThat(b.isBound()).isTrue();
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        try (CryptolensEmulator emulator = CryptolensEmulator.start();
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), emulator.port())) {
            assertThat(socket.getInetAddress().isLoopbackAddress()).isTrue();
            assertThat(emulator.url()).startsWith("http://127.0.0.1:");
            assertThat(emulator).hasToString("CryptolensEmulator{" + emulator.url() + "}");
        }
    }

    @Test
    void aFixedPortIsUsedAndATakenPortFailsClearly() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
            assertThatThrownBy(() -> CryptolensEmulator.builder().port(port).start())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1 port " + port + ": ");
        }
        try (CryptolensEmulator emulator = CryptolensEmulator.builder().port(port).start()) {
            assertThat(emulator.port()).isEqualTo(port);
        }
    }

    @Test
    void closeIsIdempotent() {
        CryptolensEmulator emulator = CryptolensEmulator.start();
        emulator.close();
        emulator.close();
    }

    @Test
    void builderRejectsNonsense() {
        CryptolensEmulator.Builder builder = CryptolensEmulator.builder();
        assertThatThrownBy(() -> builder.port(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.port(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.firstDataObjectId(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.nameLengthLimit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.errorStatus(199)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.errorStatus(600)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.requestLogLimit(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void handlesRejectNonsense() {
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            Product product = emulator.product(1);
            assertThatThrownBy(() -> product.key(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> product.key("")).isInstanceOf(IllegalArgumentException.class);
            LicenseKey key = product.key("K");
            assertThatThrownBy(() -> key.dataObject(null, 1)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> key.machine(null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> key.machine("")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> emulator.token(null, Permission.allData())).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> emulator.token("", Permission.allData())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> emulator.token("T").featureLock(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void valueOfSomethingMissingSaysWhat() {
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            emulator.product(1).key("K").dataObject("a", 1);

            assertThat(emulator.value(1, "K", "a")).isEqualTo(1);
            assertThatThrownBy(() -> emulator.value(2, "K", "a")).isInstanceOf(NoSuchElementException.class)
                    .hasMessage("no key K in product 2");
            assertThatThrownBy(() -> emulator.value(1, "L", "a")).isInstanceOf(NoSuchElementException.class);
            assertThatThrownBy(() -> emulator.value(1, "K", "b")).isInstanceOf(NoSuchElementException.class)
                    .hasMessage("no data object named b on product 1, key K");
            assertThatThrownBy(() -> emulator.product(1).key("K").machine("M").value("b"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessage("no data object named b on product 1, key K, machine code M");
        }
    }

    @Test
    void handlesAreStableAndDescribeThemselves() {
        try (CryptolensEmulator emulator = CryptolensEmulator.start()) {
            Product product = emulator.product(5);
            LicenseKey key = product.key("K");
            Machine machine = key.machine("M");
            DataObject object = machine.dataObject("n", 3);

            assertThat(emulator.product(5)).isSameAs(product);
            assertThat(product.key("K")).isSameAs(key);
            assertThat(key.machine("M")).isSameAs(machine);
            assertThat(machine.find("n")).containsSame(object);
            assertThat(machine.licenseKey()).isSameAs(key);
            assertThat(machine.machineCode()).isEqualTo("M");
            assertThat(key.productId()).isEqualTo(5);
            assertThat(key.key()).isEqualTo("K");
            assertThat(product.id()).isEqualTo(5);
            assertThat(product.key("K2").id()).isEqualTo(key.id() + 1);
            assertThat(product).hasToString("Product{id=5, keys=2}");
            assertThat(key).hasToString("LicenseKey{productId=5, id=" + key.id() + ", key=K}");
            assertThat(machine.deactivate()).hasToString("Machine{key=K, machineCode=M, deactivated}");
            assertThat(object).hasToString("DataObject{id=" + object.id() + ", name=n, intValue=3, stringValue=null}");
        }
    }
}
