# The JVM settings that the launchers share, sourced by apt-ostree and apt-ostreed (installed, from
# /usr/lib/apt-ostree, and in the source tree). It sets the locale; cli_jvm_options sets $jit and $mem (the heap) for a
# command line of the CLI.

# File names are bytes; a UTF-8 locale makes the JVM map them to and from strings without loss.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *UTF-8*|*utf8*) ;;
    *) export LC_ALL=C.UTF-8 ;;
esac

# The JVM is not asked for transparent huge pages (only a kernel set to "always" gives them unasked), though they take
# a 512th of the page faults: each process here touches most of its heap once, and where the hypervisor takes back
# free 2 MiB blocks (virtio-balloon's free page reporting), a huge page's first touch faults in the host too. Measured
# in such a VM: 2.4 ms per MiB against 0.32 with 4 KiB pages; install less took 0.45 s instead of 0.52 s, a compose of
# minbase 4.1-5.3 s instead of 5.0-5.8 s. The daemon exits when idle (IdleExitTimeout) and starts afresh, so the same
# holds for it.

# JIT policy: C1 compiles everything at once; C2, which costs more CPU than short commands run, is kept for the
# JDK's SHA-256 alone (its intrinsic is C2-only and hashes 3.5x faster) in the commands that hash every byte
# (pulls, and the upgrades, rebases and deploys that pull, hash every object they fetch, and a new kernel and
# initramfs for the boot checksum; container verbs hash every layer and object).
cli_jvm_options() {
    mem=
    case " $* " in
        *" commit "*|*" fsck "*|*" pull "*|*" pull-local "*|*" deploy "*|*" upgrade "*|*" rebase "*|*" finalize-staged "*|*" container "*)
            jit="-XX:+UseSerialGC -XX:Tier4InvocationThreshold=2000000 -XX:Tier4MinInvocationThreshold=2000000 -XX:Tier4CompileThreshold=2000000"
            jit="$jit -XX:Tier4BackEdgeThreshold=2000000000 -XX:CompileCommand=quiet"
            jit="$jit -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::*,0.00001"
            jit="$jit -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::*,0.00001" ;;
        # A compose parses whole Packages indexes and solves over them: long enough for C2 and a parallel GC.
        *" compose "*) jit="-XX:+UseParallelGC" ;;
        *) jit="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
            # An install allocates ~130 MB: a young generation that holds it all saves the collection that would
            # come during the deployment. Only with 4 GiB or more, where the default heap leaves the old generation room.
            while read -r key kib _; do
                if [ "$key" = MemTotal: ]; then
                    [ "$kib" -ge 4194304 ] && mem="-Xmn256m"
                    break
                fi
            done < /proc/meminfo
            # On one or two CPUs, a second compiler thread takes a core from the command's own threads (a layering's
            # checkout workers); one compiles what matters before a short command ends (install less: 2-4% faster).
            read -r cpus 2>/dev/null < /sys/devices/system/cpu/online || cpus=
            case "$cpus" in
                0|0-1|0,1) jit="$jit -XX:CICompilerCount=1" ;;
            esac
            ;;
    esac
}
