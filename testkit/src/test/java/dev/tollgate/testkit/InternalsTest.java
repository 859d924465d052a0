package dev.tollgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InternalsTest {

    @Test
    void jsonEscapesControlAndSeparatorCharacters() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("s", "\"\\\n\r\t\b\f\u0001\u2028");
        map.put("n", null);
        map.put("b", true);
        map.put("l", Arrays.asList(1L, "x"));

        assertThat(Json.write(map)).isEqualTo("{\"s\":\"\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u2028\",\"n\":null,\"b\":true,\"l\":[1,\"x\"]}");
        assertThat(Json.write(List.of())).isEqualTo("[]");
    }

    @Test
    void jsonRefusesOtherTypes() {
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formParamsBindLeniently() {
        FormParams params = new FormParams();
        params.addEncoded("A=1&b=%20x+y&empty=&flag&big=99999999999&&neg=-5&bool=TRUE");
        params.addEncoded("a=2");

        assertThat(params.string("a")).isEqualTo("1");
        assertThat(params.string("B")).isEqualTo(" x y");
        assertThat(params.string("empty")).isNull();
        assertThat(params.string("flag")).isNull();
        assertThat(params.int32("big")).isZero();
        assertThat(params.int64("big")).isEqualTo(99_999_999_999L);
        assertThat(params.int64("b")).isZero();
        assertThat(params.int64("missing")).isZero();
        assertThat(params.int32("neg")).isEqualTo(-5);
        assertThat(params.bool("bool")).isTrue();
        assertThat(params.bool("a")).isFalse();
        assertThat(params.malformed()).isFalse();
        assertThat(params.withoutToken()).containsOnlyKeys("A", "b", "empty", "flag", "big", "neg", "bool");
    }

    @Test
    void formParamsFlagBadEscapes() {
        FormParams params = new FormParams();
        params.addEncoded("a=%G1&b=2");

        assertThat(params.malformed()).isTrue();
        assertThat(params.string("b")).isEqualTo("2");
    }

    @Test
    void endpointsResolveFromTolerantPaths() {
        assertThat(Endpoint.forPath("/api/data/AddDataObjectToKey")).isEqualTo(Endpoint.ADD_DATA_OBJECT_TO_KEY);
        assertThat(Endpoint.forPath("//api///auth/keylock//")).isEqualTo(Endpoint.KEY_LOCK);
        assertThat(Endpoint.forPath("/data/AddDataObjectToKey")).isNull();
        assertThat(Endpoint.forPath("/api/")).isNull();
        assertThat(Endpoint.DECREMENT_INT_VALUE_TO_KEY.path()).isEqualTo("/api/data/DecrementIntValueToKey");
        for (Endpoint endpoint : Endpoint.values()) {
            assertThat(Endpoint.forPath(endpoint.path())).isEqualTo(endpoint);
        }
    }

    @Test
    void aRemovedObjectRefusesEveryChange() {
        Registry registry = new Registry(1);
        Owner owner = registry.product(1).key("K").owner();
        DataObject object = owner.add("n", 5, null, false);

        assertThat(owner.remove(object)).isTrue();
        assertThat(owner.remove(object)).as("a second removal").isFalse();
        assertThat(object.step(-1, false, false, 0)).isEqualTo(Messages.NOT_FOUND);
        assertThat(object.setIfPresent(9)).isEqualTo(Messages.NOT_FOUND);
        assertThat(object.setStringIfPresent("s")).isEqualTo(Messages.NOT_FOUND);
        assertThat(object.intValue()).isEqualTo(5);
        assertThat(object.stringValue()).isNull();
        assertThat(registry.object(object.id())).isNull();
        assertThat(object).hasToString("DataObject{id=1, name=n, intValue=5, stringValue=null, removed}");
    }
}
