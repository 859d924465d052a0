package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IncrementDecrementTest {
    private CryptolensEmulator emulator;
    private Fixture f;

    @BeforeEach
    void start() {
        emulator = CryptolensEmulator.start();
        f = new Fixture(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void decrementAnswersABareSuccess() throws IOException {
        f.key.dataObject("credits", 10);

        Client.Reply reply = f.decrement("credits", 3, true, 0);

        assertThat(reply.body).isEqualTo("{\"result\":0,\"message\":null}");
        assertThat(f.key.value("credits")).isEqualTo(7);
    }

    @Test
    void decrementMayReachTheLowerBoundExactly() throws IOException {
        f.key.dataObject("credits", 3);

        f.decrement("credits", 3, true, 0).ok();

        assertThat(f.key.value("credits")).isZero();
    }

    @Test
    void decrementThatWouldCrossTheBoundIsRefusedWhole() throws IOException {
        f.key.dataObject("credits", 2);

        assertThat(f.decrement("credits", 3, true, 0).error()).isEqualTo("The bound was reached.");
        assertThat(f.key.value("credits")).isEqualTo(2);
    }

    @Test
    void decrementAtTheBoundIsRefused() throws IOException {
        f.key.dataObject("credits", 0);

        assertThat(f.decrement("credits", 1, true, 0).error()).isEqualTo("The bound was reached.");
        assertThat(f.key.value("credits")).isZero();
    }

    @Test
    void incrementMayReachTheUpperBoundExactlyButNotPassIt() throws IOException {
        f.key.dataObject("usage", 8);

        f.increment("usage", 2, true, 10).ok();
        assertThat(f.increment("usage", 1, true, 10).error()).isEqualTo("The bound was reached.");

        assertThat(f.key.value("usage")).isEqualTo(10);
    }

    @Test
    void incrementThatWouldCrossTheBoundIsRefusedWholeNotClamped() throws IOException {
        f.key.dataObject("usage", 8);

        assertThat(f.increment("usage", 5, true, 10).error()).isEqualTo("The bound was reached.");
        assertThat(f.key.value("usage")).isEqualTo(8);
    }

    @Test
    void boundsApplyOnlyWhenEnabled() throws IOException {
        f.key.dataObject("credits", 0);
        f.key.dataObject("usage", 10);

        f.decrement("credits", 5, false, 0).ok();
        f.increment("usage", 5, false, 10).ok();

        assertThat(f.key.value("credits")).isEqualTo(-5);
        assertThat(f.key.value("usage")).isEqualTo(15);
    }

    @Test
    void negativeBoundsWorkForQuotasCountedFromIntMin() throws IOException {
        f.key.dataObject("quota", Integer.MIN_VALUE + 2);

        f.increment("quota", 2, true, Integer.MIN_VALUE + 5).ok();
        assertThat(f.increment("quota", 2, true, Integer.MIN_VALUE + 5).error()).isEqualTo("The bound was reached.");

        assertThat(f.key.value("quota")).isEqualTo(Integer.MIN_VALUE + 4);
    }

    @Test
    void theAmountIsTakenAsItsAbsoluteValue() throws IOException {
        f.key.dataObject("credits", 10);
        f.key.dataObject("usage", 10);

        f.decrement("credits", -4, true, 0).ok();
        f.increment("usage", -4, false, 0).ok();

        assertThat(f.key.value("credits")).isEqualTo(6);
        assertThat(f.key.value("usage")).isEqualTo(14);
    }

    @Test
    void aZeroStepWithinTheBoundSucceedsAndChangesNothing() throws IOException {
        f.key.dataObject("credits", 5);

        f.decrement("credits", 0, true, 0).ok();
        f.call("DecrementIntValueToKey", "Name", "credits").ok(); // no IntValue at all: 0

        assertThat(f.key.value("credits")).isEqualTo(5);
    }

    @Test
    void aZeroStepOutsideTheBoundIsRefused() throws IOException {
        f.key.dataObject("credits", -1);

        assertThat(f.decrement("credits", 0, true, 0).error()).isEqualTo("The bound was reached.");
    }

    @Test
    void incrementPastIntMaxIsRefusedAsOverflow() throws IOException {
        f.key.dataObject("usage", Integer.MAX_VALUE - 1);

        f.increment("usage", 1, false, 0).ok();
        assertThat(f.increment("usage", 1, false, 0).error()).isEqualTo("The int value would overflow.");

        assertThat(f.key.value("usage")).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void decrementPastIntMinIsRefusedAsOverflow() throws IOException {
        f.key.dataObject("credits", Integer.MIN_VALUE + 1);

        f.decrement("credits", 1, false, 0).ok();
        assertThat(f.decrement("credits", 1, false, 0).error()).isEqualTo("The int value would overflow.");

        assertThat(f.key.value("credits")).isEqualTo(Integer.MIN_VALUE);
    }

    @Test
    void intMinAsAmountMovesByTwoToThe31() throws IOException {
        f.key.dataObject("usage", -10);
        f.key.dataObject("credits", -1);

        f.increment("usage", Integer.MIN_VALUE, false, 0).ok();
        assertThat(f.decrement("credits", Integer.MIN_VALUE, false, 0).error()).isEqualTo("The int value would overflow.");

        assertThat(f.key.value("usage")).isEqualTo(Integer.MAX_VALUE - 9);
        assertThat(f.key.value("credits")).isEqualTo(-1);
    }

    @Test
    void anAmountAboveIntMaxBindsAsZero() throws IOException {
        f.key.dataObject("credits", 5);

        f.call("DecrementIntValueToKey", "Name", "credits", "IntValue", "4294967296").ok();

        assertThat(f.key.value("credits")).isEqualTo(5);
    }

    @Test
    void featureLockCapsTheAmountPerCall() throws IOException {
        f.key.dataObject("credits", 10);
        f.token.featureLock(2);

        f.decrement("credits", 2, true, 0).ok();
        f.decrement("credits", -2, true, 0).ok();
        assertThat(f.decrement("credits", 3, true, 0).error()).isEqualTo("Access denied.");
        assertThat(f.increment("credits", 3, false, 0).error()).isEqualTo("Access denied.");

        assertThat(f.key.value("credits")).isEqualTo(6);
    }

    @Test
    void featureLockDoesNotLimitSetIntValue() throws IOException {
        f.key.dataObject("credits", 10);
        f.token.featureLock(1);

        f.call("SetIntValueToKey", "Name", "credits", "IntValue", "1000").ok();

        assertThat(f.key.value("credits")).isEqualTo(1000);
    }

    @Test
    void incrementAndDecrementByIdWork() throws IOException {
        DataObject credits = f.key.dataObject("credits", 10);

        f.call("DecrementIntValueToKey", "Id", String.valueOf(credits.id()), "Name", "", "IntValue", "4",
                "EnableBound", "true", "Bound", "0").ok();
        f.call("IncrementIntValueToKey", "Id", String.valueOf(credits.id()), "IntValue", "1").ok();

        assertThat(credits.intValue()).isEqualTo(7);
    }
}
