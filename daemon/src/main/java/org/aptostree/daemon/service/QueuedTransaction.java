package org.aptostree.daemon.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.aptostree.daemon.dbus.BusException;
import org.aptostree.daemon.dbus.BusObjects;
import org.aptostree.daemon.dbus.InterfaceDefinition;
import org.aptostree.daemon.transaction.Initiator;
import org.aptostree.daemon.transaction.TransactionContext;
import org.aptostree.daemon.transaction.TransactionListener;
import org.aptostree.daemon.transaction.TransactionState;

/**
 * One transaction of the daemon, from its call to a while after its end: the object
 * {@code /org/aptostree/dev/Transaction/N} with its title, state, percentage, message, initiator and result, and
 * {@code Cancel()}.
 */
final class QueuedTransaction implements BusObjects.BusObject {
    static final String INTERFACE = "org.aptostree.dev.Transaction";
    static final String PATH_PREFIX = "/org/aptostree/dev/Transaction/";

    /** What {@code Cancel()} does; the queue knows who may. */
    @FunctionalInterface
    interface Canceller {
        void cancel(QueuedTransaction t, String callerBusName) throws BusException;
    }

    private final long number;
    private final String title;
    private final Initiator initiator;
    private final String callerBusName;
    private final OsRequests.Request request;
    private final TransactionContext context;
    private final InterfaceDefinition definition;
    private final Canceller canceller;
    private final long queuedAt;
    private TransactionState state = TransactionState.QUEUED;
    private String message = "";
    private int percentage;
    private String result = "";
    private long finishedAt;

    QueuedTransaction(long number, String title, Initiator initiator, String callerBusName, OsRequests.Request request,
            TransactionListener listener, InterfaceDefinition definition, Canceller canceller) {
        this.number = number;
        this.title = title;
        this.initiator = initiator;
        this.callerBusName = callerBusName;
        this.request = request;
        this.context = new TransactionContext(listener);
        this.definition = definition;
        this.canceller = canceller;
        this.queuedAt = System.currentTimeMillis() / 1000;
    }

    long number() {
        return number;
    }

    String address() {
        return PATH_PREFIX + number;
    }

    String title() {
        return title;
    }

    Initiator initiator() {
        return initiator;
    }

    String callerBusName() {
        return callerBusName;
    }

    OsRequests.Request request() {
        return request;
    }

    TransactionContext context() {
        return context;
    }

    synchronized TransactionState state() {
        return state;
    }

    synchronized String message() {
        return message;
    }

    synchronized int percentage() {
        return percentage;
    }

    synchronized String result() {
        return result;
    }

    /** Moves it on; the percentage never goes down. */
    synchronized void update(TransactionState s, String text, int percent) {
        state = s;
        message = text;
        percentage = Math.max(percentage, Math.min(100, percent));
    }

    /** Ends it with {@code json} as its result. */
    synchronized void end(TransactionState s, String text, int percent, String json) {
        update(s, text, percent);
        result = json;
        finishedAt = System.currentTimeMillis() / 1000;
    }

    synchronized TransactionHistory.Entry entry() {
        return new TransactionHistory.Entry(number, address(), title, state.wireName(), initiator.uid(), initiator.pid(),
                initiator.commandLine(), message, percentage, result, queuedAt, finishedAt);
    }

    @Override
    public List<InterfaceDefinition> interfaces() {
        return List.of(definition);
    }

    @Override
    public Object[] invoke(BusObjects.Call call) throws BusException {
        if (call.method().name().equals("Cancel")) {
            canceller.cancel(this, call.sender());
            return new Object[0];
        }
        throw new BusException(BusException.UNKNOWN_METHOD, "No method " + call.method().name());
    }

    @Override
    public synchronized Object property(String iface, String name) throws BusException {
        return switch (name) {
            case "Title" -> title;
            case "State" -> state.wireName();
            case "Percentage" -> percentage;
            case "Message" -> message;
            case "Initiator" -> List.of(initiator.uid(), initiator.pid(), initiator.commandLine());
            case "Result" -> result;
            default -> throw new BusException(BusException.UNKNOWN_PROPERTY, "No property " + name);
        };
    }

    /** As the Daemon's Transactions property lists it. */
    static Map<String, Object> describe(TransactionHistory.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", e.address());
        m.put("title", e.title());
        m.put("state", e.state());
        m.put("message", e.message());
        m.put("percentage", e.percentage());
        m.put("initiator", "uid " + e.uid() + ", pid " + e.pid() + (e.commandLine().isEmpty() ? "" : ": " + e.commandLine()));
        m.put("result", e.result());
        m.put("started", e.started());
        m.put("finished", e.finished());
        return m;
    }
}
