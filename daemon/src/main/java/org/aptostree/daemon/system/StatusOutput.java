package org.aptostree.daemon.system;

/**
 * What {@code apt-ostree status} prints, whoever renders it: the CLI in direct mode or the daemon's
 * {@code show_status}, so that the two are the same byte for byte.
 */
public final class StatusOutput {
    private StatusOutput() {
    }

    /**
     * @param json       rpm-ostree's JSON ({@code --json}) instead of text
     * @param verbose    the text's extra fields
     * @param bootedOnly the booted deployment alone ({@code --booted})
     */
    public static String render(SystemStatus status, boolean json, boolean verbose, boolean bootedOnly) {
        if (json) {
            return StatusJson.render(status, bootedOnly) + "\n";
        }
        SystemStatus shown = bootedOnly ? new SystemStatus(status.booted().stream().toList(), status.transaction(),
                status.automaticUpdates()) : status;
        return StatusText.render(shown, verbose);
    }
}
