package org.aptostree.daemon.system;

import java.io.IOException;
import java.util.Optional;

/**
 * The automatic updates of a system as {@code status} shows them: the policy of {@code apt-ostreed.conf} and what
 * the timer's last run did.
 *
 * @param policy  {@code none}, {@code check} or {@code stage} ({@code none} when the file cannot be read, as the
 *                daemon then runs with the defaults)
 * @param problem why {@code apt-ostreed.conf} or the last run's record could not be read, naming the file
 * @param lastRun the timer's last run, if it has run
 */
public record AutomaticUpdates(String policy, Optional<String> problem, Optional<AutomaticUpdateRun> lastRun) {

    public static AutomaticUpdates disabled() {
        return new AutomaticUpdates("none", Optional.empty(), Optional.empty());
    }

    /** Reads the policy of {@code system} and the last run on its stateroot {@code osname}. */
    public static AutomaticUpdates read(SystemRoot system, String osname) {
        String policy = "none";
        Optional<String> problem = Optional.empty();
        try {
            policy = DaemonConfig.read(DaemonConfig.file(system.path())).automaticUpdatePolicy();
        } catch (IOException e) {
            problem = Optional.of(e.getMessage());
        }
        Optional<AutomaticUpdateRun> run = Optional.empty();
        try {
            run = AutomaticUpdateRun.read(AutomaticUpdateRun.file(system, osname));
        } catch (IOException e) {
            problem = problem.or(() -> Optional.of(e.getMessage()));
        }
        return new AutomaticUpdates(policy, problem, run);
    }
}
