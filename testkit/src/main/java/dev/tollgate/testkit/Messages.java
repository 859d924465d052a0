package dev.tollgate.testkit;

/** Every {@code message} text the emulator answers with; where each comes from is in README.md. */
final class Messages {
    // Verified texts (testkit/PROTOCOL.md, "Failures").
    static final String UNABLE_TO_AUTHENTICATE = "Unable to authenticate.";
    static final String ACCESS_DENIED = "Access denied.";
    static final String NOT_FOUND = "Not enough permission and/or key not found.";
    static final String INCORRECT_INPUT = "The input parameters were incorrect.";
    static final String SERVER_ERROR =
            "Something went wrong. Please contact support@cryptolens.io and we will try to fix it.";

    /** Verified as the text for a product that does not exist; the emulator uses it for GetKeys. */
    static final String PRODUCT_NOT_FOUND = "Could not find the product.";

    // Invented: no source quotes the real texts.
    static final String BOUND_REACHED = "The bound was reached.";
    static final String OVERFLOW = "The int value would overflow.";
    static final String DUPLICATE = "A data object with this name already exists.";

    private Messages() {
    }
}
