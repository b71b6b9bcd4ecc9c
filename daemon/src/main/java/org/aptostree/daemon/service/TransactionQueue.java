package org.aptostree.daemon.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.aptostree.daemon.dbus.BusConnection;
import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.BusObjects;
import org.aptostree.daemon.dbus.InterfaceDefinition;
import org.aptostree.daemon.system.SystemRoot;
import org.aptostree.daemon.transaction.DirectMode;
import org.aptostree.daemon.transaction.Initiator;
import org.aptostree.daemon.transaction.Transaction;
import org.aptostree.daemon.transaction.TransactionException;
import org.aptostree.daemon.transaction.TransactionResult;
import org.aptostree.daemon.transaction.TransactionState;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The daemon's transactions: queued first come first served, run one at a time by one worker thread through the
 * engine's direct mode (which holds the system's transaction lock, as a CLI in direct mode would), their progress
 * sent as {@code TransactionChanged} and their end as {@code TransactionCompleted} on the OS object. A finished
 * transaction's object stays for {@link #KEEP_SECONDS} so a late client can read its result.
 */
final class TransactionQueue {
    static final long KEEP_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Told when the queue moves, so the Daemon and Sysroot properties can say so. */
    interface Events {
        void started(QueuedTransaction t);

        /** After the status snapshot was read again. */
        void ended(QueuedTransaction t);

        void queueChanged();
    }

    private final BusConnection bus;
    private final BusObjects objects;
    private final InterfaceDefinition definition;
    private final Authorization authorization;
    private final SystemRoot system;
    private final StatusSnapshot snapshot;
    private final TransactionHistory history;
    private final ScheduledExecutorService timer;
    private final Events events;
    private final LinkedBlockingDeque<QueuedTransaction> waiting = new LinkedBlockingDeque<>();
    private final Map<String, QueuedTransaction> kept = new ConcurrentHashMap<>();
    private volatile QueuedTransaction running;
    private long nextNumber;

    TransactionQueue(BusConnection bus, BusObjects objects, InterfaceDefinition definition, Authorization authorization, SystemRoot system,
            StatusSnapshot snapshot, TransactionHistory history, ScheduledExecutorService timer, Events events) {
        this.bus = bus;
        this.objects = objects;
        this.definition = definition;
        this.authorization = authorization;
        this.system = system;
        this.snapshot = snapshot;
        this.history = history;
        this.timer = timer;
        this.events = events;
        this.nextNumber = history.nextNumber();
    }

    /** Starts the worker. */
    void start() {
        Thread worker = new Thread(this::work, "transaction-worker");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Makes the transaction of {@code request} for {@code caller} and exports its object; {@link #enqueue} then
     * queues it, once the caller has its address.
     */
    QueuedTransaction submit(OsRequests.Request request, Caller caller) {
        Initiator initiator = caller.initiator(request.described().orElse(null));
        QueuedTransaction t;
        synchronized (this) {
            QueuedTransaction[] self = new QueuedTransaction[1];
            t = new QueuedTransaction(nextNumber++, request.title(), initiator, caller.busName(), request,
                    (state, message, percentage) -> progress(self[0], state, message, percentage), definition, this::cancel);
            self[0] = t;
            objects.export(t.address(), t);
            kept.put(t.address(), t);
        }
        return t;
    }

    /** Queues {@code t} and says so: {@code queued}, with what is ahead of it. */
    void enqueue(QueuedTransaction t) {
        synchronized (this) {
            int ahead = waiting.size() + (running != null ? 1 : 0);
            String message = ahead == 0 ? "Queued" : "Waiting for " + ahead + " transaction(s) ahead";
            t.update(TransactionState.QUEUED, message, 0);
            history.record(t.entry());
            // Said before the worker can see it, so no later state overtakes it.
            emitChanged(t, TransactionState.QUEUED, message, 0);
            DaemonLog.info("Transaction " + t.address() + " queued: " + t.title() + "; initiator " + t.initiator() + " (" + t.callerBusName()
                    + ")");
            waiting.addLast(t);
        }
        events.queueChanged();
    }

    Optional<QueuedTransaction> find(String address) {
        return Optional.ofNullable(kept.get(address));
    }

    Optional<QueuedTransaction> running() {
        return Optional.ofNullable(running);
    }

    /** The running transaction first, then the waiting ones. */
    List<QueuedTransaction> queue() {
        List<QueuedTransaction> out = new ArrayList<>();
        QueuedTransaction r = running;
        if (r != null) {
            out.add(r);
        }
        out.addAll(waiting);
        return out;
    }

    boolean busy() {
        return running != null || !waiting.isEmpty();
    }

    /**
     * {@code Cancel()} of a transaction, or the OS object's {@code cancel}: only the caller who started it, or
     * root, may; polkit's cancel action must allow it too.
     */
    void cancel(QueuedTransaction t, String callerBusName) throws BusException {
        Caller caller;
        try {
            caller = Caller.lookup(bus, callerBusName);
        } catch (IOException e) {
            throw new BusException(OsRequests.ERROR_PREFIX + "Failed", "cannot ask the bus who is calling: " + e.getMessage());
        }
        if (caller.uid() != 0 && caller.uid() != t.initiator().uid()) {
            throw new BusException(BusException.ACCESS_DENIED, "cancel: argument 'transaction_address': " + t.address() + " was started by uid "
                    + t.initiator().uid() + "; only it or root may cancel it");
        }
        if (t.state().isFinal()) {
            throw OsRequests.invalid("cancel: argument 'transaction_address': " + t.address() + " has already ended (" + t.state().wireName() + ")");
        }
        authorization.check(caller, List.of("cancel"));
        DaemonLog.info("Transaction " + t.address() + " (" + t.title() + "): cancel requested by " + caller);
        t.context().cancel();
        boolean removed = waiting.remove(t);
        if (removed) {
            finish(t, TransactionState.CANCELLED, "Transaction cancelled", failure("Cancelled", "Transaction cancelled", ""));
            events.queueChanged();
        }
    }

    private void work() {
        while (true) {
            QueuedTransaction t;
            try {
                t = waiting.takeFirst();
            } catch (InterruptedException e) {
                return;
            }
            running = t;
            run(t);
            running = null;
            events.queueChanged();
        }
    }

    private void run(QueuedTransaction t) {
        DaemonLog.info("Transaction " + t.address() + " started: " + t.title() + "; initiator " + t.initiator());
        // The transaction's own first update says it left the queue, with the same words as in direct mode.
        t.update(TransactionState.PREPARING, t.message(), 0);
        history.record(t.entry());
        events.started(t);
        TransactionState end;
        String text;
        String json;
        try {
            t.context().checkpoint();
            Transaction tx = t.request().factory().create(t.initiator());
            TransactionResult r = DirectMode.run(system, tx, t.context());
            end = TransactionState.COMPLETED;
            text = r.output().isEmpty() ? "Done" : r.output().get(0);
            json = r.toJson();
            DaemonLog.info("Transaction " + t.address() + " completed: " + t.title() + "; " + (r.changed() ? "changed the system" : "no change")
                    + r.deployment().map(d -> ", deployment " + d).orElse("") + "; initiator " + t.initiator());
        } catch (TransactionException e) {
            end = e.kind() == TransactionException.Kind.CANCELLED ? TransactionState.CANCELLED : TransactionState.FAILED;
            text = e.getMessage();
            json = failure(e.kind().dbusName(), e.getMessage(), e.details());
            DaemonLog.log(end == TransactionState.CANCELLED ? DaemonLog.Level.INFO : DaemonLog.Level.WARNING, "Transaction " + t.address()
                    + " " + end.wireName() + ": " + t.title() + "; " + e.kind().dbusName() + ": " + e.getMessage() + "; initiator " + t.initiator());
        } catch (RuntimeException e) {
            end = TransactionState.FAILED;
            text = "internal error: " + e;
            json = failure("Failed", text, "");
            DaemonLog.error("Transaction " + t.address() + " failed with an internal error: " + e + "; initiator " + t.initiator());
        } finally {
            OsRequests.deleteQuietly(t.request().localFiles());
        }
        try {
            snapshot.refresh();
        } catch (TransactionException e) {
            DaemonLog.error("cannot read the status after transaction " + t.address() + ": " + e.getMessage());
        }
        finish(t, end, text, json);
    }

    private void finish(QueuedTransaction t, TransactionState end, String text, String json) {
        int percentage = end == TransactionState.COMPLETED ? 100 : t.percentage();
        t.end(end, text, percentage, json);
        history.record(t.entry());
        emitChanged(t, end, text, percentage);
        try {
            bus.signal(OsObject.PATH, OsObject.INTERFACE, "TransactionCompleted", "sbs", t.address(), end == TransactionState.COMPLETED, json);
        } catch (IOException e) {
            DaemonLog.warning("cannot send TransactionCompleted for " + t.address() + ": " + e.getMessage());
        }
        events.ended(t);
        timer.schedule(() -> {
            kept.remove(t.address());
            objects.unexport(t.address());
        }, KEEP_SECONDS, TimeUnit.SECONDS);
    }

    private void progress(QueuedTransaction t, TransactionState state, String message, int percentage) {
        t.update(state, message, percentage);
        emitChanged(t, state, message, t.percentage());
    }

    private void emitChanged(QueuedTransaction t, TransactionState state, String message, int percentage) {
        try {
            bus.signal(OsObject.PATH, OsObject.INTERFACE, "TransactionChanged", "sssi", t.address(), state.wireName(), message, percentage);
            objects.propertiesChanged(t.address(), QueuedTransaction.INTERFACE, List.of("State", "Message", "Percentage", "Result"));
        } catch (IOException e) {
            DaemonLog.warning("cannot send the progress of " + t.address() + ": " + e.getMessage());
        }
    }

    /** The result of a failed transaction. */
    static String failure(String kind, String message, String details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", OsRequests.ERROR_PREFIX + kind);
        m.put("message", message);
        m.put("details", details);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is JSON", e);
        }
    }
}
