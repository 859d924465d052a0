package dev.tollgate.vendor.cli;

import dev.tollgate.vendor.api.ApiFailure;
import dev.tollgate.vendor.api.WebApi;

/** One line for a person from a Web API failure, naming what to fix. */
final class Failures {
    private Failures() {
    }

    static String describe(ApiFailure failure, int product, String key) {
        String said = failure.serviceMessage() == null ? "" : " (" + failure.serviceMessage() + ")";
        return switch (failure.kind()) {
            case AUTHENTICATION -> "the token was not accepted" + said + ": check CRYPTOLENS_TOKEN or --token-file";
            case ACCESS_DENIED -> "the token may not call " + failure.method() + said + ": it needs the "
                    + WebApi.permissionOf(failure.method()) + " permission, and a product lock of 0 or " + product;
            case PRODUCT_NOT_FOUND -> "product " + product + " was not found" + said;
            case NOT_FOUND -> key == null ? failure.method() + said
                    : "key " + key + " was not found in product " + product + ", or the token's key lock excludes it" + said;
            case TRANSIENT -> failure.getMessage() + "; gave up after several tries with backoff";
            case REFUSED -> failure.getMessage();
        };
    }
}
