package dev.tollgate.testkit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** All state of one emulator: products (with their keys), tokens, and every data object by id. */
final class Registry {
    private final AtomicLong nextObjectId;
    private final AtomicLong nextKeyId = new AtomicLong(1);
    private final ConcurrentMap<Integer, Product> products = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Token> tokens = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, DataObject> objectsById = new ConcurrentHashMap<>();

    Registry(long firstObjectId) {
        this.nextObjectId = new AtomicLong(firstObjectId);
    }

    Product product(int productId) {
        return products.computeIfAbsent(productId, id -> new Product(this, id));
    }

    /** The product if it exists; never creates one. */
    Product existingProduct(int productId) {
        return products.get(productId);
    }

    Token putToken(Token token) {
        tokens.put(token.secret(), token);
        return token;
    }

    Token token(String secret) {
        return secret == null ? null : tokens.get(secret);
    }

    long nextObjectId() {
        return nextObjectId.getAndIncrement();
    }

    long nextKeyId() {
        return nextKeyId.getAndIncrement();
    }

    void index(DataObject object) {
        objectsById.put(object.id(), object);
    }

    void unindex(DataObject object) {
        objectsById.remove(object.id(), object);
    }

    DataObject object(long id) {
        return objectsById.get(id);
    }
}
