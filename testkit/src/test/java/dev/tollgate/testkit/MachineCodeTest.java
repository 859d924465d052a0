package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MachineCodeTest {
    private static final String MACHINE = "9f86d081884c7d659a2feaa0c55ad015";

    private CryptolensEmulator emulator;
    private Fixture f;
    private Machine machine;

    @BeforeEach
    void start() {
        emulator = CryptolensEmulator.start();
        f = new Fixture(emulator);
        machine = f.key.machine(MACHINE);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Client.Reply call(String method, String... fields) throws IOException {
        String[] all = new String[fields.length + 2];
        all[0] = "MachineCode";
        all[1] = MACHINE;
        System.arraycopy(fields, 0, all, 2, fields.length);
        return f.call(method, all);
    }

    @Test
    void machineCodeMethodsWorkOnTheActivationsOwnObjects() throws IOException {
        long id = call("AddDataObjectToMachineCode", "Name", "renders", "IntValue", "5").ok().json().get("id").longValue();
        call("IncrementIntValueToMachineCode", "Name", "renders", "IntValue", "2", "EnableBound", "true", "Bound", "7").ok();
        call("DecrementIntValueToMachineCode", "Id", String.valueOf(id), "IntValue", "1").ok();
        call("SetStringValueToMachineCode", "Name", "renders", "StringValue", "x").ok();

        assertThat(machine.value("renders")).isEqualTo(6);
        assertThat(call("ListDataObjectsToMachineCode", "Contains", "").json().get("dataObjects").get(0).get("stringValue").asText())
                .isEqualTo("x");
        call("SetIntValueToMachineCode", "Name", "renders", "IntValue", "40").ok();
        assertThat(machine.value("renders")).isEqualTo(40);
        call("RemoveDataObjectToMachineCode", "Name", "renders").ok();
        assertThat(machine.dataObjects()).isEmpty();
    }

    @Test
    void machineAndKeyObjectsAreSeparate() throws IOException {
        f.key.dataObject("credits", 10);
        DataObject onMachine = machine.dataObject("credits", 1);

        call("DecrementIntValueToMachineCode", "Name", "credits", "IntValue", "1", "EnableBound", "true", "Bound", "0").ok();
        assertThat(call("DecrementIntValueToMachineCode", "Name", "credits", "IntValue", "1", "EnableBound", "true", "Bound", "0")
                .error()).isEqualTo("The bound was reached.");
        assertThat(f.call("DecrementIntValueToKey", "Id", String.valueOf(onMachine.id()), "IntValue", "1").error())
                .isEqualTo("Not enough permission and/or key not found.");

        assertThat(f.key.value("credits")).isEqualTo(10);
        assertThat(machine.value("credits")).isZero();
    }

    @Test
    void aMachineCodeNeverActivatedIsNotFound() throws IOException {
        Client.Reply reply = f.call("ListDataObjectsToMachineCode", "MachineCode", "unknown-machine");

        assertThat(reply.error()).isEqualTo("Not enough permission and/or key not found.");
    }

    @Test
    void aDeactivatedMachineCodeIsNotFoundUntilActivatedAgain() throws IOException {
        machine.dataObject("renders", 3);
        machine.deactivate();

        assertThat(call("ListDataObjectsToMachineCode").error()).isEqualTo("Not enough permission and/or key not found.");
        assertThat(machine.isActive()).isFalse();

        machine.activate();
        assertThat(call("ListDataObjectsToMachineCode").ok().json().get("dataObjects")).hasSize(1);
    }

    @Test
    void aMissingMachineCodeIsIncorrectInput() throws IOException {
        assertThat(f.call("ListDataObjectsToMachineCode").error()).isEqualTo("The input parameters were incorrect.");
    }

    @Test
    void machineCodeMethodsHonourTheKeyLock() throws IOException {
        emulator.token("other-key-only", Permission.allData()).keyLock(f.key.id() + 1000);

        Client.Reply reply = f.client.post("/api/data/ListDataObjectsToMachineCode", "token", "other-key-only",
                "ProductId", "3941", "Key", Fixture.KEY, "MachineCode", MACHINE);

        assertThat(reply.error()).isEqualTo("Not enough permission and/or key not found.");
    }

    @Test
    void machineCodesAreComparedExactly() throws IOException {
        Client.Reply reply = f.call("ListDataObjectsToMachineCode", "MachineCode", MACHINE.toUpperCase());

        assertThat(reply.error()).isEqualTo("Not enough permission and/or key not found.");
    }
}
