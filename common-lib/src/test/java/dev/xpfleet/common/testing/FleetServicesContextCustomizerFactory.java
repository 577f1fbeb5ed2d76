package dev.xpfleet.common.testing;

import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/** Applies {@link FleetServices}: creates the class's slice and puts its properties first. */
public class FleetServicesContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        FleetServices annotation = AnnotatedElementUtils.findMergedAnnotation(testClass, FleetServices.class);
        return annotation == null ? null : new Customizer(testClass, annotation.database());
    }

    /** Equal only for the same test class, so every class gets its own context and slice. */
    private record Customizer(Class<?> testClass, boolean database) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            IsolatedServices services = IsolatedServices.create(testClass.getSimpleName(), database);
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource("fleetTestServices", services.springProperties()));
            context.getBeanFactory().registerSingleton("fleetIsolatedServices", services);
            context.addApplicationListener(event -> {
                if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
                    closeQuietly(services);
                }
            });
        }

        private static void closeQuietly(IsolatedServices services) {
            try {
                services.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(FleetServices.class)
                        .warn("Could not remove test services of {}: {}", services.bucket(), e.getMessage());
            }
        }
    }
}
