/* A client of apt-ostreed written against the code gdbus-codegen generates from the shipped interface file, as a
   C program (a GUI, say) would use it: calls Daemon.Ping and OS.show_status on the bus at argv[1]. */
#include <stdio.h>
#include "aptostree-generated.h"

int main(int argc, char **argv)
{
    GError *error = NULL;
    if (argc != 2) {
        fprintf(stderr, "usage: aptostree-client BUS-ADDRESS\n");
        return 2;
    }
    GDBusConnection *bus = g_dbus_connection_new_for_address_sync(argv[1],
            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL, NULL, &error);
    if (bus == NULL) {
        fprintf(stderr, "connect: %s\n", error->message);
        return 1;
    }
    AptDaemon *daemon = apt_daemon_proxy_new_sync(bus, G_DBUS_PROXY_FLAGS_NONE, "org.aptostree.dev", "/org/aptostree/dev", NULL, &error);
    gchar *reply = NULL;
    if (daemon == NULL || !apt_daemon_call_ping_sync(daemon, &reply, NULL, &error)) {
        fprintf(stderr, "Ping: %s\n", error->message);
        return 1;
    }
    printf("Ping: %s\n", reply);
    AptOS *os = apt_os_proxy_new_sync(bus, G_DBUS_PROXY_FLAGS_NONE, "org.aptostree.dev", "/org/aptostree/dev/OS", NULL, &error);
    GVariantBuilder options;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&options, "{sv}", "verbose", g_variant_new_boolean(TRUE));
    gchar *status = NULL;
    if (os == NULL || !apt_os_call_show_status_sync(os, g_variant_builder_end(&options), &status, NULL, &error)) {
        fprintf(stderr, "show_status: %s\n", error->message);
        return 1;
    }
    printf("%s", status);
    g_free(reply);
    g_free(status);
    g_object_unref(os);
    g_object_unref(daemon);
    g_object_unref(bus);
    return 0;
}
