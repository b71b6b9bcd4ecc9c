package org.aptostree.ostree.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import org.aptostree.ostree.OstreeFormatException;

/**
 * Daemon worker threads for the object store's parallel work (hashing, compressing, copying, fetching), whose
 * tasks fail with the module's own exceptions and hand them back unwrapped on {@link #join}.
 */
public final class WorkerPool implements AutoCloseable {
    /** A unit of work that may fail as repository operations do. */
    @FunctionalInterface
    public interface Task<T> {
        T call() throws IOException, OstreeFormatException;
    }

    private final ExecutorService executor;

    public WorkerPool(String name, int threads) {
        this.executor = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** One thread per core: the work is CPU-bound (hashing, compression) or short I/O. */
    public static WorkerPool perCore(String name) {
        return new WorkerPool(name, Runtime.getRuntime().availableProcessors());
    }

    public <T> Future<T> submit(Task<T> task) {
        return executor.submit(task::call);
    }

    /** A task that runs only once {@link #start} is given it: for work that must not begin before something else ends. */
    public static <T> FutureTask<T> deferred(Task<T> task) {
        return new FutureTask<>(task::call);
    }

    public void start(FutureTask<?> task) {
        executor.execute(task);
    }

    /** Waits for a task and returns its result, rethrowing its failure as it was thrown. */
    public static <T> T join(Future<T> f) throws IOException, OstreeFormatException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            rethrow(e.getCause());
            throw new IllegalStateException("rethrow returned", e);
        }
    }

    /**
     * Throws a task's failure as it was thrown: the module's checked exceptions and unchecked ones unchanged, an
     * {@link UncheckedIOException} as its cause. It never returns.
     */
    static void rethrow(Throwable failure) throws IOException, OstreeFormatException {
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof OstreeFormatException fe) {
            throw fe;
        }
        if (failure instanceof UncheckedIOException u) {
            throw u.getCause();
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        throw new IOException(failure);
    }

    /**
     * Stops the workers and waits (up to a minute) until none runs: after a failure, a task still writing into the
     * repository's staging directory would race with whatever the caller does next (cleaning up, deleting it).
     */
    @Override
    public void close() {
        executor.shutdownNow();
        boolean interrupted = false;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (!executor.isTerminated() && System.nanoTime() < deadline) {
            try {
                executor.awaitTermination(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
