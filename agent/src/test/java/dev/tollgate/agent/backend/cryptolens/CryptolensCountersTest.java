package dev.tollgate.agent.backend.cryptolens;

import static dev.tollgate.agent.backend.cryptolens.Fixture.added;
import static dev.tollgate.agent.backend.cryptolens.Fixture.form;
import static dev.tollgate.agent.backend.cryptolens.Fixture.list;
import static dev.tollgate.agent.backend.cryptolens.Fixture.ok;
import static dev.tollgate.agent.backend.cryptolens.Fixture.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.agent.ThreadStates;
import dev.tollgate.agent.backend.Backend;
import dev.tollgate.agent.backend.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How replies are read and counters found, cached, created and judged at the bound. */
class CryptolensCountersTest {

    private final Fixture f = new Fixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void readReturnsTheValueOfACamelCaseReply() {
        f.reply(list(7, "credits", 40));

        assertThat(f.backend().read("credits")).hasToString("GRANTED value=40");
    }

    @Test
    void pascalCaseRepliesAreReadToo() {
        f.reply("{\"DataObjects\":[{\"Id\":7,\"Name\":\"credits\",\"StringValue\":\"\",\"IntValue\":-12}],"
                + "\"Result\":0,\"Message\":\"\"}");

        assertThat(f.backend().read("credits")).hasToString("GRANTED value=-12");
    }

    @Test
    void aResultGivenAsAStringIsAccepted() {
        f.reply("{\"dataObjects\":[{\"id\":\"7\",\"name\":\"credits\",\"intValue\":5}],\"result\":\"0\"}");

        assertThat(f.backend().read("credits")).hasToString("GRANTED value=5");
    }

    @Test
    void containsMatchesAreFilteredToTheExactName() {
        CryptolensBackend b = f.backend();
        f.reply(list(1, "credits2", 100, 2, "Credits", 200, 3, "credits", 300, 4, "my-credits", 400));
        f.reply(ok());

        b.take("credits", 1, 0);

        f.take();
        assertThat(form(f.take())).containsEntry("Id", "3");
    }

    @Test
    void onlyLongerNamesContainingTheCounterMeanItIsMissing() {
        f.reply(list(1, "credits2", 100));

        assertThat(f.backend().read("credits")).hasToString("GRANTED value=0");
    }

    @Test
    void aMissingOrNullListMeansNoCounter() {
        f.reply("{\"result\":0,\"message\":null}");
        f.reply("{\"dataObjects\":null,\"result\":0,\"message\":null}");
        CryptolensBackend b = f.backend();

        assertThat(b.read("credits")).hasToString("GRANTED value=0");
        assertThat(b.read("credits")).hasToString("GRANTED value=0");
    }

    @Test
    void readOfAMissingCounterIsZeroAndCreatesNothing() {
        f.reply(list());

        assertThat(f.backend().read("usage")).hasToString("GRANTED value=0");
        assertThat(f.server.getRequestCount()).isEqualTo(1);
        assertThat(f.warnings).isEmpty();
    }

    @Test
    void grantedStepsCarryNoValueBecauseTheServiceSendsNone() {
        f.reply(list(1, "credits", 10));
        f.reply(ok());

        Outcome o = f.backend().take("credits", 1, 0);

        assertThat(o.isGranted()).isTrue();
        assertThat(o.value()).isEqualTo(Outcome.UNKNOWN);
        assertThat(o.ambiguous()).isFalse();
    }

    @Test
    void counterIdIsLookedUpOnceAndCached() {
        CryptolensBackend b = f.backend();
        f.reply(list(1, "credits", 10));
        f.reply(ok());
        f.reply(ok());
        f.reply(ok());

        b.take("credits", 1, 0);
        b.take("credits", 1, 0);
        b.take("credits", 1, 0);

        assertThat(f.server.getRequestCount()).isEqualTo(4);
        assertThat(f.take().getUrl().encodedPath()).endsWith("ListDataObjectsToKey");
        for (int i = 0; i < 3; i++) {
            assertThat(f.take().getUrl().encodedPath()).endsWith("DecrementIntValueToKey");
        }
    }

    @Test
    void readRefreshesTheCachedId() {
        CryptolensBackend b = f.backend();
        f.reply(list(9, "credits", 10));
        f.reply(ok());

        b.read("credits");
        b.take("credits", 1, 0);

        f.take();
        assertThat(form(f.take())).containsEntry("Id", "9");
    }

    @Test
    void idsAreLongs() {
        f.reply(list(9_000_000_001L, "credits", 10));
        f.reply(ok());

        f.backend().take("credits", 1, 0);

        f.take();
        assertThat(form(f.take())).containsEntry("Id", "9000000001");
    }

    @Test
    void duplicateNamesUseTheOldestAndWarnOnce() {
        CryptolensBackend b = f.backend();
        f.reply(list(30, "credits", 1, 12, "credits", 2, 20, "credits", 3));
        f.reply(list(30, "credits", 1, 12, "credits", 2, 20, "credits", 3));
        f.reply(ok());

        assertThat(b.read("credits")).hasToString("GRANTED value=2");
        b.read("credits");
        b.take("credits", 1, 0);

        f.take();
        f.take();
        assertThat(form(f.take())).containsEntry("Id", "12");
        assertThat(f.warnings).containsExactly("3 data objects are named 'credits' on license key FRQHQ…; "
                + "using the oldest (id 12); remove the others");
    }

    @Test
    void missingCreditsCounterIsBoundReachedNeverCreatedAndWarnedOnce() {
        CryptolensBackend b = f.backend();
        f.reply(list(1, "credits-old", 100));
        f.reply(list());

        assertThat(b.take("credits", 1, 0)).hasToString("BOUND_REACHED");
        assertThat(b.take("credits", 1, 0)).hasToString("BOUND_REACHED");

        assertThat(f.server.getRequestCount()).isEqualTo(2);
        assertThat(f.take().getUrl().encodedPath()).endsWith("ListDataObjectsToKey");
        assertThat(f.take().getUrl().encodedPath()).endsWith("ListDataObjectsToKey");
        assertThat(f.warnings).containsExactly("credits counter 'credits' does not exist on license key FRQHQ… of "
                + "product 1234, so it holds no credits and every take is refused; create a data object named "
                + "'credits' holding the credits bought");
    }

    @Test
    void boundReachedOnTakeReportsTheListedValue() {
        f.reply(list(5, "credits", 2));
        f.reply(refused("Bound reached."));
        f.reply(list(5, "credits", 2));

        Outcome o = f.backend().take("credits", 3, 0);

        assertThat(o.status()).isEqualTo(Outcome.Status.BOUND_REACHED);
        assertThat(o.value()).isEqualTo(2);
        assertThat(f.server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void boundReachedOnAddReportsTheListedValue() {
        f.reply(list(5, "usage", 9));
        f.reply(refused("The bound was reached."));
        f.reply(list(5, "usage", 9));

        assertThat(f.backend().add("usage", 2, 10)).hasToString("BOUND_REACHED value=9");
    }

    @Test
    void growingPastInt32WithoutACapIsBoundReachedAndWarned() {
        f.reply(list(5, "usage", Integer.MAX_VALUE - 1));
        f.reply(refused("Overflow."));
        f.reply(list(5, "usage", Integer.MAX_VALUE - 1));

        Outcome o = f.backend().add("usage", 5, Backend.NO_CAP);

        assertThat(o).hasToString("BOUND_REACHED value=" + (Integer.MAX_VALUE - 1));
        assertThat(f.warnings).singleElement().asString().contains("cannot grow by 5 within int32");
    }

    @Test
    void aStaleCachedIdIsDroppedAndLookedUpAgainOnce() {
        CryptolensBackend b = f.backend();
        f.reply(list(5, "credits", 10));
        f.reply(ok());
        // The object was deleted and created again under a new id.
        f.reply(refused("Not enough permission and/or key not found."));
        f.reply(list(6, "credits", 10));
        f.reply(ok());
        f.reply(ok());

        assertThat(b.take("credits", 1, 0).isGranted()).isTrue();
        assertThat(b.take("credits", 1, 0).isGranted()).isTrue();
        assertThat(b.take("credits", 1, 0).isGranted()).isTrue();

        f.take();
        assertThat(form(f.take())).containsEntry("Id", "5");
        assertThat(form(f.take())).containsEntry("Id", "5");
        f.take();
        assertThat(form(f.take())).containsEntry("Id", "6");
        assertThat(form(f.take())).containsEntry("Id", "6");
    }

    @Test
    void aStepIsRetriedAtMostOnceWithANewId() {
        f.reply(list(5, "credits", 100));
        f.reply(refused("Something unknown."));
        f.reply(list(6, "credits", 100));
        f.reply(refused("Something unknown."));
        f.reply(list(7, "credits", 100));

        Outcome o = f.backend().take("credits", 1, 0);

        assertThat(o.status()).isEqualTo(Outcome.Status.MISCONFIGURED);
        assertThat(f.server.getRequestCount()).isEqualTo(5);
    }

    @Test
    void aDeletedCreditsCounterBecomesBoundReachedAndIsLookedUpAgainNextTime() {
        CryptolensBackend b = f.backend();
        f.reply(list(5, "credits", 10));
        f.reply(ok());
        f.reply(refused("Not enough permission and/or key not found."));
        f.reply(list());
        f.reply(list());

        b.take("credits", 1, 0);
        assertThat(b.take("credits", 1, 0)).hasToString("BOUND_REACHED");
        assertThat(b.take("credits", 1, 0)).hasToString("BOUND_REACHED");

        assertThat(f.server.getRequestCount()).isEqualTo(5);
        assertThat(f.warnings).hasSize(1);
    }

    @Test
    void aDeletedUsageCounterIsCreatedAgainAndStepped() {
        CryptolensBackend b = f.backend();
        f.reply(list(5, "usage", 10));
        f.reply(ok());
        f.reply(refused("Not enough permission and/or key not found."));
        f.reply(list());
        f.reply(added(9));
        f.reply(ok());

        b.add("usage", 1, Backend.NO_CAP);
        Outcome o = b.add("usage", 1, Backend.NO_CAP);

        assertThat(o.isGranted()).isTrue();
        for (int i = 0; i < 5; i++) {
            f.take();
        }
        RecordedRequest last = f.take();
        assertThat(last.getUrl().encodedPath()).endsWith("IncrementIntValueToKey");
        assertThat(form(last)).containsEntry("Id", "9");
    }

    @Test
    void aCounterCreatedMeanwhileByAnotherAgentIsFoundByListing() {
        f.reply(list());
        f.reply(refused("A data object with this name already exists."));
        f.reply(list(12, "usage", 4));
        f.reply(ok());

        assertThat(f.backend().add("usage", 1, Backend.NO_CAP).isGranted()).isTrue();

        f.take();
        f.take();
        f.take();
        assertThat(form(f.take())).containsEntry("Id", "12");
    }

    @Test
    void aCreatedCounterWithoutAnIdInTheReplyIsFoundByListing() {
        f.reply(list());
        f.reply(ok());
        f.reply(list(13, "usage", 0));
        f.reply(ok());

        assertThat(f.backend().add("usage", 1, Backend.NO_CAP).isGranted()).isTrue();

        f.take();
        f.take();
        f.take();
        assertThat(form(f.take())).containsEntry("Id", "13");
    }

    @Test
    void concurrentTakesAllUseTheOneCachedId() throws Exception {
        f.server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body = request.getUrl().encodedPath().endsWith("ListDataObjectsToKey")
                        ? list(21, "credits", 1000) : ok();
                return new MockResponse.Builder().body(body).build();
            }
        });
        CryptolensBackend b = f.backend();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(() -> b.take("credits", 1, 0));
            }
            for (Future<Outcome> result : pool.invokeAll(calls)) {
                assertThat(result.get().isGranted()).isTrue();
            }
        } finally {
            pool.shutdown();
        }

        int lists = 0;
        int steps = 0;
        for (int i = 0; i < f.server.getRequestCount(); i++) {
            RecordedRequest r = f.take();
            if (r.getUrl().encodedPath().endsWith("ListDataObjectsToKey")) {
                lists++;
            } else {
                steps++;
                assertThat(form(r)).containsEntry("Id", "21");
            }
        }
        assertThat(steps).isEqualTo(40);
        assertThat(lists).isBetween(1, 4);
    }

    @Test
    void aCallWaitingForTheHttpClientToBeBuiltIsParkedNotBlockedOnAMonitor() throws Exception {
        f.server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().body(list(7, "credits", 40)).build();
            }
        });
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        CryptolensBackend b = f.backend(f.settings().build(), builder -> {
            building.countDown();
            awaitQuietly(mayFinish);
            return builder;
        });

        assertThat(ThreadStates.waiterWhileHeld(() -> b.read("credits"), building, () -> b.read("credits"), mayFinish))
                .as("a virtual thread waiting here keeps its carrier free on JDK 21-23").isEqualTo(Thread.State.WAITING);
        assertThat(b.read("credits")).hasToString("GRANTED value=40");
    }

    @Test
    void aCallWaitingWhileAnotherCreatesTheCounterIsParkedNotBlockedOnAMonitor() throws Exception {
        CountDownLatch creating = new CountDownLatch(1);
        CountDownLatch mayAnswer = new CountDownLatch(1);
        f.server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                String body = ok();
                if (path.endsWith("ListDataObjectsToKey")) {
                    body = list();
                } else if (path.endsWith("AddDataObjectToKey")) {
                    creating.countDown();
                    awaitQuietly(mayAnswer);
                    body = added(9);
                }
                return new MockResponse.Builder().body(body).build();
            }
        });
        CryptolensBackend b = f.backend();
        Runnable add = () -> assertThat(b.add("usage", 1, Backend.NO_CAP).isGranted()).isTrue();

        assertThat(ThreadStates.waiterWhileHeld(add, creating, add, mayAnswer)).isEqualTo(Thread.State.WAITING);
        long adds = 0;
        for (int i = 0; i < f.server.getRequestCount(); i++) {
            if (f.take().getUrl().encodedPath().endsWith("AddDataObjectToKey")) {
                adds++;
            }
        }
        assertThat(adds).as("the counter is created once").isEqualTo(1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
