package org.aptostree.testkit;

import java.util.List;
import java.util.Optional;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.FalsifiedSample;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.ShrunkFalsifiedSample;

import org.opentest4j.TestAbortedException;

/**
 * Makes a jqwik property that {@link Requirements} finds something missing for a skipped property, as JUnit does with
 * a test. Without it jqwik would report a missing requirement in {@code @BeforeProperty} as an error, and one in the
 * property's body as a rejected sample (and the property, all samples rejected, as exhausted). Registered for every
 * property through {@code META-INF/services}.
 */
public final class RequirementsHook implements AroundPropertyHook {
    private static final ThreadLocal<Boolean> IN_PROPERTY = ThreadLocal.withInitial(() -> false);

    /** Whether a jqwik property runs on this thread, where a skip must be thrown as {@link Skip}. */
    static boolean inProperty() {
        return IN_PROPERTY.get();
    }

    /** A skip thrown through jqwik, which would take a {@link TestAbortedException} for a rejected sample. */
    static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip(TestAbortedException reason) {
            super(reason.getMessage(), reason);
        }

        TestAbortedException reason() {
            return (TestAbortedException) getCause();
        }
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        boolean outer = IN_PROPERTY.get();
        IN_PROPERTY.set(true);
        PropertyExecutionResult result;
        try {
            result = property.execute();
        } catch (Skip skip) {
            return new Skipped(skip.reason());
        } catch (TestAbortedException skipped) {
            return new Skipped(skipped);
        } finally {
            IN_PROPERTY.set(outer);
        }
        if (result.status() == PropertyExecutionResult.Status.FAILED
                && result.throwable().orElse(null) instanceof Skip skip) {
            return new Skipped(skip.reason());
        }
        return result;
    }

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    /** Outside the hook that runs the {@code @BeforeProperty} methods. */
    @Override
    public int aroundPropertyProximity() {
        return -1000;
    }

    private record Skipped(TestAbortedException reason) implements PropertyExecutionResult {
        @Override
        public Optional<String> seed() {
            return Optional.empty();
        }

        @Override
        public Optional<List<Object>> falsifiedParameters() {
            return Optional.empty();
        }

        @Override
        public Status status() {
            return Status.ABORTED;
        }

        @Override
        public Optional<Throwable> throwable() {
            return Optional.of(reason);
        }

        @Override
        public int countChecks() {
            return 0;
        }

        @Override
        public int countTries() {
            return 0;
        }

        @Override
        public Optional<FalsifiedSample> originalSample() {
            return Optional.empty();
        }

        @Override
        public Optional<ShrunkFalsifiedSample> shrunkSample() {
            return Optional.empty();
        }

        @Override
        public PropertyExecutionResult mapTo(Status newStatus, Throwable throwable) {
            throw new UnsupportedOperationException("a skipped property stays skipped");
        }
    }
}
