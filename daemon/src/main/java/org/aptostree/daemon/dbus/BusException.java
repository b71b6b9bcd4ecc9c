package org.aptostree.daemon.dbus;

/**
 * A D-Bus error: its name ({@code org.freedesktop.DBus.Error.AccessDenied}, {@code org.aptostree.dev.Error.Failed},
 * ...) and its message, as received in an error reply or as one to send.
 */
public final class BusException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The bus driver's and the specification's error names this code uses. */
    public static final String ACCESS_DENIED = "org.freedesktop.DBus.Error.AccessDenied";
    public static final String INVALID_ARGS = "org.freedesktop.DBus.Error.InvalidArgs";
    public static final String UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod";
    public static final String UNKNOWN_OBJECT = "org.freedesktop.DBus.Error.UnknownObject";
    public static final String UNKNOWN_INTERFACE = "org.freedesktop.DBus.Error.UnknownInterface";
    public static final String UNKNOWN_PROPERTY = "org.freedesktop.DBus.Error.UnknownProperty";
    public static final String PROPERTY_READ_ONLY = "org.freedesktop.DBus.Error.PropertyReadOnly";
    public static final String NO_REPLY = "org.freedesktop.DBus.Error.NoReply";
    public static final String SERVICE_UNKNOWN = "org.freedesktop.DBus.Error.ServiceUnknown";
    public static final String NAME_HAS_NO_OWNER = "org.freedesktop.DBus.Error.NameHasNoOwner";
    public static final String DISCONNECTED = "org.freedesktop.DBus.Error.Disconnected";

    private final String name;

    public BusException(String name, String message) {
        super(message, null, false, false);
        this.name = name;
    }

    /** The D-Bus error name. */
    public String name() {
        return name;
    }
}
