package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DataObjectMethodsTest {
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
    void servesOnLoopbackWithoutTrailingSlash() {
        assertThat(emulator.url()).isEqualTo("http://127.0.0.1:" + emulator.port());
    }

    @Test
    void addReturnsTheNewIdBeforeResultAndMessage() throws IOException {
        Client.Reply reply = f.call("AddDataObjectToKey", "Name", "export", "IntValue", "3", "StringValue", "s");

        assertThat(reply.status).isEqualTo(200);
        assertThat(reply.contentType).startsWith("application/json");
        long id = f.key.find("export").orElseThrow().id();
        assertThat(reply.body).isEqualTo("{\"id\":" + id + ",\"result\":0,\"message\":null}");
        assertThat(f.key.value("export")).isEqualTo(3);
        assertThat(f.key.find("export").orElseThrow().stringValue()).isEqualTo("s");
    }

    @Test
    void listAnswersCamelCaseObjectsInIdOrder() throws IOException {
        DataObject export = f.key.dataObject("export", 3);
        DataObject chart = f.key.dataObject("chart", -7);
        chart.setStringValue("quote \" and \\ and \n");

        Client.Reply reply = f.call("ListDataObjectsToKey", "Contains", "");

        assertThat(reply.body).isEqualTo("{\"dataObjects\":["
                + "{\"id\":" + export.id() + ",\"name\":\"export\",\"stringValue\":null,\"intValue\":3},"
                + "{\"id\":" + chart.id() + ",\"name\":\"chart\",\"stringValue\":\"quote \\\" and \\\\ and \\n\",\"intValue\":-7}"
                + "],\"result\":0,\"message\":null}");
        assertThat(reply.json().get("dataObjects").get(1).get("stringValue").asText()).isEqualTo("quote \" and \\ and \n");
    }

    @Test
    void listFiltersByNameSubstringIgnoringCase() throws IOException {
        f.key.dataObject("usage", 1);
        f.key.dataObject("usagecount2", 2);
        f.key.dataObject("credits", 3);

        JsonNode objects = f.call("ListDataObjectsToKey", "Contains", "USAGE").ok().json().get("dataObjects");

        assertThat(objects).extracting(o -> o.get("name").asText()).containsExactly("usage", "usagecount2");
    }

    @Test
    void listWithoutMatchesAnswersAnEmptyArray() throws IOException {
        Client.Reply reply = f.call("ListDataObjectsToKey", "Contains", "nothing");

        assertThat(reply.body).isEqualTo("{\"dataObjects\":[],\"result\":0,\"message\":null}");
    }

    @Test
    void listShowsOnlyTheNamedKeysObjects() throws IOException {
        f.key.dataObject("mine", 1);
        emulator.product(Fixture.PRODUCT).key("OTHER-KEY").dataObject("theirs", 2);
        f.key.machine("MC").dataObject("machine-level", 3);

        JsonNode objects = f.call("ListDataObjectsToKey").ok().json().get("dataObjects");

        assertThat(objects).extracting(o -> o.get("name").asText()).containsExactly("mine");
    }

    @Test
    void idsAreLongsCountingUpFromTheConfiguredFirstId() throws IOException {
        try (CryptolensEmulator big = CryptolensEmulator.builder().firstDataObjectId(3_000_000_000L).start()) {
            Fixture g = new Fixture(big);
            long first = g.call("AddDataObjectToKey", "Name", "a").ok().json().get("id").longValue();
            long second = g.call("AddDataObjectToKey", "Name", "b").ok().json().get("id").longValue();

            assertThat(first).isEqualTo(3_000_000_000L);
            assertThat(second).isEqualTo(3_000_000_001L);
            g.call("IncrementIntValueToKey", "Id", String.valueOf(second), "IntValue", "5").ok();
            assertThat(g.key.value("b")).isEqualTo(5);
        }
    }

    @Test
    void addWithoutDuplicateCheckAllowsTheSameNameTwice() throws IOException {
        f.call("AddDataObjectToKey", "Name", "export", "IntValue", "1").ok();
        f.call("AddDataObjectToKey", "Name", "export", "IntValue", "2").ok();

        assertThat(f.key.dataObjects()).extracting(DataObject::intValue).containsExactly(1, 2);
    }

    @Test
    void addWithDuplicateCheckRefusesATakenName() throws IOException {
        f.call("AddDataObjectToKey", "Name", "export", "IntValue", "1").ok();

        Client.Reply reply = f.call("AddDataObjectToKey", "Name", "export", "IntValue", "2", "CheckForDuplicates", "true");

        assertThat(reply.error()).isEqualTo("A data object with this name already exists.");
        assertThat(f.key.dataObjects()).hasSize(1);
    }

    @Test
    void addWithDuplicateCheckAcceptsAFreeName() throws IOException {
        f.call("AddDataObjectToKey", "Name", "export", "CheckForDuplicates", "True").ok();

        assertThat(f.key.value("export")).isZero();
    }

    @Test
    void addWithoutNameMakesAnUnnamedObject() throws IOException {
        f.call("AddDataObjectToKey", "IntValue", "4").ok();

        assertThat(f.key.dataObjects()).singleElement().satisfies(o -> {
            assertThat(o.name()).isNull();
            assertThat(o.intValue()).isEqualTo(4);
        });
        assertThat(f.call("ListDataObjectsToKey", "Contains", "x").json().get("dataObjects")).isEmpty();
    }

    @Test
    void addRefusesANameAboveTheLengthLimit() throws IOException {
        f.call("AddDataObjectToKey", "Name", "n".repeat(100)).ok();

        assertThat(f.call("AddDataObjectToKey", "Name", "n".repeat(101)).error())
                .isEqualTo("The input parameters were incorrect.");
    }

    @Test
    void nameLengthLimitIsConfigurable() throws IOException {
        try (CryptolensEmulator strict = CryptolensEmulator.builder().nameLengthLimit(10).start()) {
            Fixture g = new Fixture(strict);
            g.call("AddDataObjectToKey", "Name", "ten_chars_").ok();

            assertThat(g.call("AddDataObjectToKey", "Name", "eleven_char").error())
                    .isEqualTo("The input parameters were incorrect.");
        }
    }

    @Test
    void addRefusesAStringValueAboveTenThousandCharacters() throws IOException {
        f.call("AddDataObjectToKey", "Name", "ok", "StringValue", "s".repeat(10_000)).ok();

        assertThat(f.call("AddDataObjectToKey", "Name", "long", "StringValue", "s".repeat(10_001)).error())
                .isEqualTo("The input parameters were incorrect.");
        assertThat(f.key.find("long")).isEmpty();
    }

    @Test
    void setIntValueSetsAnyInt32() throws IOException {
        f.key.dataObject("credits", 5);

        f.call("SetIntValueToKey", "Name", "credits", "IntValue", "-2147483648").ok();

        assertThat(f.key.value("credits")).isEqualTo(Integer.MIN_VALUE);
    }

    @Test
    void setIntValueBeyondInt32AssignsZero() throws IOException {
        f.key.dataObject("credits", 5);

        f.call("SetIntValueToKey", "Name", "credits", "IntValue", "2147483648").ok();

        assertThat(f.key.value("credits")).isZero();
    }

    @Test
    void setStringValueSetsAndRefusesTooLongStrings() throws IOException {
        DataObject notes = f.key.dataObject("notes", 0);

        f.call("SetStringValueToKey", "Id", String.valueOf(notes.id()), "StringValue", "hello").ok();
        assertThat(notes.stringValue()).isEqualTo("hello");

        assertThat(f.call("SetStringValueToKey", "Name", "notes", "StringValue", "x".repeat(10_001)).error())
                .isEqualTo("The input parameters were incorrect.");
        assertThat(notes.stringValue()).isEqualTo("hello");
    }

    @Test
    void removeDeletesTheObjectForGood() throws IOException {
        DataObject export = f.key.dataObject("export", 3);

        f.call("RemoveDataObjectToKey", "Name", "export").ok();

        assertThat(export.isRemoved()).isTrue();
        assertThat(f.key.find("export")).isEmpty();
        assertThat(f.call("DecrementIntValueToKey", "Id", String.valueOf(export.id()), "IntValue", "1").error())
                .isEqualTo("Not enough permission and/or key not found.");
        assertThat(f.call("RemoveDataObjectToKey", "Id", String.valueOf(export.id())).error())
                .isEqualTo("Not enough permission and/or key not found.");
    }

    @Test
    void idWinsOverName() throws IOException {
        DataObject a = f.key.dataObject("a", 10);
        f.key.dataObject("b", 10);

        f.call("DecrementIntValueToKey", "Id", String.valueOf(a.id()), "Name", "b", "IntValue", "1").ok();

        assertThat(f.key.value("a")).isEqualTo(9);
        assertThat(f.key.value("b")).isEqualTo(10);
    }

    @Test
    void nameResolvesToTheLowestIdAmongDuplicates() throws IOException {
        f.call("AddDataObjectToKey", "Name", "dup", "IntValue", "10").ok();
        f.call("AddDataObjectToKey", "Name", "dup", "IntValue", "10").ok();

        f.decrement("dup", 1, false, 0).ok();

        assertThat(f.key.dataObjects()).extracting(DataObject::intValue).containsExactly(9, 10);
    }

    @Test
    void anObjectIsFoundOnlyOnItsOwnKey() throws IOException {
        DataObject theirs = emulator.product(Fixture.PRODUCT).key("OTHER-KEY").dataObject("credits", 10);

        assertThat(f.call("DecrementIntValueToKey", "Id", String.valueOf(theirs.id()), "IntValue", "1").error())
                .isEqualTo("Not enough permission and/or key not found.");
        assertThat(f.decrement("credits", 1, false, 0).error())
                .isEqualTo("Not enough permission and/or key not found.");
        assertThat(theirs.intValue()).isEqualTo(10);
    }

    @Test
    void neitherIdNorNameIsIncorrectInput() throws IOException {
        f.key.dataObject("credits", 10);

        assertThat(f.call("DecrementIntValueToKey", "Id", "0", "Name", "", "IntValue", "1").error())
                .isEqualTo("The input parameters were incorrect.");
    }

    @Test
    void unknownProductOrKeyIsNotFound() throws IOException {
        Client.Reply wrongKey = f.client.post("/api/data/ListDataObjectsToKey",
                "token", Fixture.TOKEN, "ProductId", String.valueOf(Fixture.PRODUCT), "Key", "NO-SUCH-KEY");
        Client.Reply wrongProduct = f.client.post("/api/data/ListDataObjectsToKey",
                "token", Fixture.TOKEN, "ProductId", "1", "Key", Fixture.KEY);
        Client.Reply noKey = f.client.post("/api/data/ListDataObjectsToKey",
                "token", Fixture.TOKEN, "ProductId", String.valueOf(Fixture.PRODUCT));

        assertThat(wrongKey.error()).isEqualTo("Not enough permission and/or key not found.");
        assertThat(wrongProduct.error()).isEqualTo("Not enough permission and/or key not found.");
        assertThat(noKey.error()).isEqualTo("Not enough permission and/or key not found.");
    }

    @Test
    void keyStringsAreComparedExactly() throws IOException {
        Client.Reply lowerCase = f.client.post("/api/data/ListDataObjectsToKey",
                "token", Fixture.TOKEN, "ProductId", String.valueOf(Fixture.PRODUCT), "Key", Fixture.KEY.toLowerCase());

        assertThat(lowerCase.error()).isEqualTo("Not enough permission and/or key not found.");
    }

    @Test
    void pathsMatchIgnoringCaseRepeatedAndTrailingSlashes() throws IOException {
        f.key.dataObject("credits", 10);
        String[] fields = {"token", Fixture.TOKEN, "ProductId", "3941", "Key", Fixture.KEY, "Name", "credits", "IntValue", "1"};

        f.client.post("/api/data/decrementintvaluetokey", fields).ok();       // Java SDK
        f.client.post("/api//data/decrementintvaluetokey/", fields).ok();     // .NET SDK
        f.client.post("/api/data/DecrementIntValueToKey/", fields).ok();      // Python SDK
        f.client.post("/API/DATA/DECREMENTINTVALUETOKEY", fields).ok();

        assertThat(f.key.value("credits")).isEqualTo(6);
        assertThat(emulator.requests()).allSatisfy(
                call -> assertThat(call.endpoint()).contains(Endpoint.DECREMENT_INT_VALUE_TO_KEY));
    }

    @Test
    void parameterNamesAndBooleansIgnoreCase() throws IOException {
        f.key.dataObject("credits", 1);

        Client.Reply refused = f.client.post("/api/data/DecrementIntValueToKey", "TOKEN", Fixture.TOKEN,
                "productid", "3941", "key", Fixture.KEY, "NAME", "credits", "intvalue", "2",
                "enablebound", "TRUE", "bound", "0");
        Client.Reply allowed = f.client.post("/api/data/DecrementIntValueToKey", "token", Fixture.TOKEN,
                "productId", "3941", "key", Fixture.KEY, "name", "credits", "intValue", "2",
                "enableBound", "False", "bound", "0", "v", "1");

        assertThat(refused.error()).isEqualTo("The bound was reached.");
        allowed.ok();
        assertThat(f.key.value("credits")).isEqualTo(-1);
    }

    @Test
    void getWithAQueryStringWorksLikeAPost() throws IOException {
        f.key.dataObject("credits", 10);

        f.client.get("/api/data/DecrementIntValueToKey?token=" + Fixture.TOKEN
                + "&ProductId=3941&Key=" + Fixture.KEY + "&Name=credits&IntValue=3").ok();

        assertThat(f.key.value("credits")).isEqualTo(7);
        assertThat(emulator.requests().get(0).method()).isEqualTo("GET");
    }

    @Test
    void queryStringAndFormBodyAreMergedWithTheBodyFirst() throws IOException {
        f.key.dataObject("credits", 10);

        f.client.post("/api/data/DecrementIntValueToKey?token=" + Fixture.TOKEN + "&IntValue=5&Name=ignored",
                "ProductId", "3941", "Key", Fixture.KEY, "Name", "credits").ok();

        assertThat(f.key.value("credits")).isEqualTo(5);
        assertThat(emulator.requests().get(0).param("Name")).contains("credits");
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsAForm() throws IOException {
        f.key.dataObject("credits", 10);
        String form = "token=" + Fixture.TOKEN + "&ProductId=3941&Key=" + Fixture.KEY + "&Name=credits&IntValue=2";

        Client.Reply reply = f.client.execute(new Request.Builder().url(emulator.url() + "/api/data/DecrementIntValueToKey")
                .post(RequestBody.create(form.getBytes(java.nio.charset.StandardCharsets.UTF_8), (MediaType) null))
                .build());

        reply.ok();
        assertThat(f.key.value("credits")).isEqualTo(8);
        assertThat(emulator.requests().get(0).contentType()).isEmpty();
    }

    @Test
    void aJsonBodyIsNotReadAsParameters() throws IOException {
        Client.Reply reply = f.client.execute(new Request.Builder().url(emulator.url() + "/api/data/ListDataObjectsToKey")
                .post(RequestBody.create("{\"token\":\"" + Fixture.TOKEN + "\"}", MediaType.get("application/json")))
                .build());

        assertThat(reply.error()).isEqualTo("Unable to authenticate.");
    }

    @Test
    void spacesArriveAsPlusSigns() throws IOException {
        f.client.post("/api/data/AddDataObjectToKey?token=" + Fixture.TOKEN,
                "ProductId", "3941", "Key", Fixture.KEY, "Name", "two words", "StringValue", "a+b & c=d ü").ok();

        assertThat(f.key.find("two words").orElseThrow().stringValue()).isEqualTo("a+b & c=d ü");
    }

    @Test
    void aBadPercentEscapeIsIncorrectInput() throws IOException {
        Client.Reply reply = f.client.get("/api/data/ListDataObjectsToKey?token=" + Fixture.TOKEN
                + "&ProductId=3941&Key=" + Fixture.KEY + "&Contains=%zz");

        assertThat(reply.error()).isEqualTo("The input parameters were incorrect.");
    }

    @Test
    void unparsableNumbersBindAsZero() throws IOException {
        f.key.dataObject("credits", 10);

        f.call("DecrementIntValueToKey", "Name", "credits", "IntValue", "1.5").ok();
        f.call("SetIntValueToKey", "Name", "credits", "IntValue", "ten").ok();

        assertThat(f.key.value("credits")).isZero();
    }

    @Test
    void unknownMethodIsA404WithAJsonError() throws IOException {
        Client.Reply reply = f.client.post("/api/data/NoSuchMethod", "token", Fixture.TOKEN);

        assertThat(reply.status).isEqualTo(404);
        assertThat(reply.error()).isEqualTo("The emulator has no method at /api/data/NoSuchMethod");
        assertThat(f.client.get("/").status).isEqualTo(404);
        assertThat(emulator.requests().get(0).endpoint()).isEmpty();
    }

    @Test
    void otherHttpMethodsAreA405() throws IOException {
        Client.Reply reply = f.client.execute(new Request.Builder().url(emulator.url() + "/api/data/ListDataObjectsToKey")
                .put(RequestBody.create("token=" + Fixture.TOKEN, MediaType.get("application/x-www-form-urlencoded")))
                .build());

        assertThat(reply.status).isEqualTo(405);
        assertThat(reply.error()).isEqualTo("The emulator answers POST and GET only, not PUT");
    }

    @Test
    void errorStatusSendsFailuresWithThatStatusAndSuccessesWith200() throws IOException {
        try (CryptolensEmulator strict = CryptolensEmulator.builder().errorStatus(400).start()) {
            Fixture g = new Fixture(strict);

            Client.Reply failure = g.decrement("missing", 1, false, 0);
            Client.Reply success = g.call("ListDataObjectsToKey");

            assertThat(failure.status).isEqualTo(400);
            assertThat(failure.error()).isEqualTo("Not enough permission and/or key not found.");
            assertThat(success.status).isEqualTo(200);
        }
    }

    @Test
    void vendorSideHandlesSeeAndChangeTheSameState() throws IOException {
        DataObject credits = f.key.dataObject("credits", 10);
        DataObject again = f.key.dataObject("credits", 20);

        assertThat(again).isSameAs(credits);
        assertThat(f.key.dataObjects()).hasSize(1);
        f.decrement("credits", 5, true, 0).ok();
        assertThat(credits.intValue()).isEqualTo(15);
        assertThat(emulator.value(Fixture.PRODUCT, Fixture.KEY, "credits")).isEqualTo(15);
        credits.setIntValue(100);
        assertThat(f.call("ListDataObjectsToKey").json().get("dataObjects").get(0).get("intValue").intValue())
                .isEqualTo(100);
    }
}
