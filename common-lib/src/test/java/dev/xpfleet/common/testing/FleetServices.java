package dev.xpfleet.common.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points a Spring test at real services: its own database (when {@link #database()}), Redis key
 * prefix and bucket, removed when the context closes. Each annotated class gets its own context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface FleetServices {

    /** Whether the service under test uses PostgreSQL (only the orchestrator does). */
    boolean database() default false;
}
