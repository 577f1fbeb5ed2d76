package dev.xpfleet.common.startup;

/** A dependency could not be used with the configured settings; names the setting to fix. */
public class StartupCheckException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;

    public StartupCheckException(String property, String message, Throwable cause) {
        super(property + ": " + message, cause);
        this.property = property;
    }

    /** The configuration property (in its canonical dotted form) that needs fixing. */
    public String property() {
        return property;
    }

    /** The environment variable a person would set to override {@link #property()}. */
    public String environmentVariable() {
        return property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace("-", "");
    }
}
