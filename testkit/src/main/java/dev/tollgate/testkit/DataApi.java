package dev.tollgate.testkit;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Web API methods: authentication, locks, parameter binding and the data-object operations.
 * Knows nothing of HTTP beyond the parameters; see {@code README.md} for every choice made where the
 * Cryptolens documentation is silent.
 */
final class DataApi {
    static final int MAX_STRING_VALUE_LENGTH = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Registry registry;
    private final int nameLengthLimit;
    private final int keysPerPage;

    DataApi(Registry registry, int nameLengthLimit, int keysPerPage) {
        this.registry = registry;
        this.nameLengthLimit = nameLengthLimit;
        this.keysPerPage = keysPerPage;
    }

    /** Thrown inside a handler to answer with an error; carries no stack trace. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    Reply handle(Endpoint endpoint, FormParams params) {
        try {
            return dispatch(endpoint, params);
        } catch (Refusal refusal) {
            return Reply.error(refusal.getMessage());
        }
    }

    private Reply dispatch(Endpoint endpoint, FormParams params) {
        if (params.malformed()) {
            throw new Refusal(Messages.INCORRECT_INPUT);
        }
        Token token = registry.token(params.string("token"));
        if (token == null) {
            throw new Refusal(Messages.UNABLE_TO_AUTHENTICATE);
        }
        if (endpoint == Endpoint.KEY_LOCK) {
            return keyLock(token, params);
        }
        if (!token.permissions().contains(endpoint.permission())) {
            throw new Refusal(Messages.ACCESS_DENIED);
        }
        if (endpoint == Endpoint.GET_KEYS) {
            return getKeys(token, params);
        }
        Owner owner = endpoint.scope() == Endpoint.Scope.GENERAL ? null : owner(endpoint, token, params);
        if (owner == null && token.keyLock() < 0) {
            // Key lock -1: the key string must be part of the call, which the general methods lack.
            throw new Refusal(Messages.NOT_FOUND);
        }
        switch (endpoint.permission()) {
            case ADD_DATA_OBJECT:
                return add(owner, params);
            case LIST_DATA_OBJECTS:
                return list(owner, params);
            case INCREMENT_INT_VALUE:
                return step(object(owner, token, params), token, params, true);
            case DECREMENT_INT_VALUE:
                return step(object(owner, token, params), token, params, false);
            case SET_INT_VALUE:
                return done(object(owner, token, params).setIfPresent(params.int32("IntValue")));
            case SET_STRING_VALUE:
                return done(object(owner, token, params).setStringIfPresent(stringValue(params)));
            case REMOVE_DATA_OBJECT:
                DataObject object = object(owner, token, params);
                return done(object.owner().remove(object) ? null : Messages.NOT_FOUND);
            default:
                throw new AssertionError(endpoint);
        }
    }

    /** The key (and, for machine-code methods, the activation) the call names, checked against the locks. */
    private Owner owner(Endpoint endpoint, Token token, FormParams params) {
        LicenseKey key = key(token, params);
        if (endpoint.scope() == Endpoint.Scope.KEY) {
            return key.owner();
        }
        String machineCode = params.string("MachineCode");
        if (machineCode == null) {
            throw new Refusal(Messages.INCORRECT_INPUT);
        }
        Machine machine = key.existingMachine(machineCode);
        if (machine == null || !machine.isActive()) {
            throw new Refusal(Messages.NOT_FOUND);
        }
        return machine.owner();
    }

    /** The existing key that {@code ProductId} and {@code Key} name, whatever the token; null if none. */
    LicenseKey namedKey(FormParams params) {
        Product product = registry.existingProduct(params.int32("ProductId"));
        return product == null ? null : product.existingKey(params.string("Key"));
    }

    private LicenseKey key(Token token, FormParams params) {
        int productId = params.int32("ProductId");
        if (token.productLock() != 0 && token.productLock() != productId) {
            throw new Refusal(Messages.ACCESS_DENIED);
        }
        Product product = registry.existingProduct(productId);
        LicenseKey key = product == null ? null : product.existingKey(params.string("Key"));
        if (key == null || (token.keyLock() > 0 && token.keyLock() != key.id())) {
            throw new Refusal(Messages.NOT_FOUND);
        }
        return key;
    }

    /** The object named by {@code Id} (if not 0) or else by exact {@code Name} (lowest id wins). */
    private DataObject object(Owner owner, Token token, FormParams params) {
        long id = params.int64("Id");
        if (owner == null) { // general method: by id only, anywhere the token reaches
            if (id == 0) {
                throw new Refusal(Messages.INCORRECT_INPUT);
            }
            DataObject object = registry.object(id);
            if (object == null) {
                throw new Refusal(Messages.NOT_FOUND);
            }
            LicenseKey key = object.owner().key();
            if (token.productLock() != 0 && token.productLock() != key.productId()) {
                throw new Refusal(Messages.ACCESS_DENIED);
            }
            if (token.keyLock() > 0 && token.keyLock() != key.id()) {
                throw new Refusal(Messages.NOT_FOUND);
            }
            return object;
        }
        DataObject object;
        if (id != 0) {
            object = owner.byId(id);
        } else {
            String name = params.string("Name");
            if (name == null) {
                throw new Refusal(Messages.INCORRECT_INPUT);
            }
            object = owner.firstNamed(name);
        }
        if (object == null) {
            throw new Refusal(Messages.NOT_FOUND);
        }
        return object;
    }

    private Reply step(DataObject object, Token token, FormParams params, boolean increment) {
        long amount = Math.abs((long) params.int32("IntValue"));
        if (token.featureLock() != 0 && amount > token.featureLock()) {
            throw new Refusal(Messages.ACCESS_DENIED);
        }
        return done(object.step(increment ? amount : -amount, increment,
                params.bool("EnableBound"), params.int32("Bound")));
    }

    private Reply add(Owner owner, FormParams params) {
        String name = params.string("Name");
        if (name != null && name.length() > nameLengthLimit) {
            throw new Refusal(Messages.INCORRECT_INPUT);
        }
        DataObject object = owner.add(name, params.int32("IntValue"), stringValue(params),
                params.bool("CheckForDuplicates"));
        if (object == null) {
            throw new Refusal(Messages.DUPLICATE);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", object.id());
        return Reply.ok(fields);
    }

    private Reply list(Owner owner, FormParams params) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("dataObjects", KeyPage.dataObjects(owner.list(params.string("Contains"))));
        return Reply.ok(fields);
    }

    /** One page of a product's keys; the key lock has no effect here (the .NET SDK documents it). */
    private Reply getKeys(Token token, FormParams params) {
        int productId = params.int32("ProductId");
        if (token.productLock() != 0 && token.productLock() != productId) {
            throw new Refusal(Messages.ACCESS_DENIED);
        }
        Product product = registry.existingProduct(productId);
        if (product == null) {
            throw new Refusal(Messages.PRODUCT_NOT_FOUND);
        }
        return Reply.ok(KeyPage.of(product.keys(), Math.max(1, params.int32("Page")), keysPerPage).fields());
    }

    private Reply keyLock(Token token, FormParams params) {
        if (token.keyLock() > -1) {
            throw new Refusal(Messages.ACCESS_DENIED);
        }
        LicenseKey key = key(token, params);
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        Token derived = new Token(Base64.getEncoder().encodeToString(secret), token.permissions())
                .productLock(token.productLock())
                .keyLock(key.id())
                .featureLock(token.featureLock());
        registry.putToken(derived);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("keyId", key.id());
        fields.put("token", derived.secret());
        return Reply.ok(fields);
    }

    private static String stringValue(FormParams params) {
        String value = params.string("StringValue");
        if (value != null && value.length() > MAX_STRING_VALUE_LENGTH) {
            throw new Refusal(Messages.INCORRECT_INPUT);
        }
        return value;
    }

    private static Reply done(String errorOrNull) {
        return errorOrNull == null ? Reply.ok() : Reply.error(errorOrNull);
    }
}
