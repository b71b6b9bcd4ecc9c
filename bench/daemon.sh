#!/usr/bin/env bash
# Benchmark of apt-ostreed on a private system bus, against the C parts in the same run:
#  - daemon start (process start to its bus name acquired, as `gdbus wait` sees NameOwnerChanged);
#  - Ping round trip: busctl's whole run for Daemon.Ping against busctl's run for dbus-daemon's own GetId, in pairs
#    (the median of the pairs' differences is the daemon's share), on the fresh daemon and after many calls; and an
#    in-process loop of a Gio client (python3-gi) against the same loop on GetId;
#  - `apt-ostree status` through the daemon against `apt-ostree status --direct`, with the split: the JVM and
#    CLI start (`--version`), the bus connection and Ping (`daemon-ping` minus that), the call (the rest).
# Medians of RUNS runs (the compared commands take turns); a command that fails ends the benchmark. Needs root
# and the built launchers (mvn -B package -DskipTests).
# Usage: [PAIRS=201] bench/daemon.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-21}
work=$(mktemp -d /tmp/apt-ostreed-bench.XXXXXX)
aptostree="$here/apt-ostree"
aptostreed="$here/apt-ostreed"
bus_pid=""; daemon_pid=""
cleanup() {
  # the daemon first, and waited for: a bus that goes away under it is logged as critical
  [ -n "$daemon_pid" ] && { kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; } || true
  [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null || true
  chattr -R -f -i "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { echo "($2 - $1) * 1000" | bc -l; }

# A small directory sysroot: two commits deployed by ostree.
tree=$work/tree; sysroot=$work/sysroot
mkdir -p "$tree/usr/lib/modules/6.1.0-bench" "$tree/usr/etc" "$tree/usr/bin" "$sysroot"
echo K > "$tree/usr/lib/modules/6.1.0-bench/vmlinuz"; echo I > "$tree/usr/lib/modules/6.1.0-bench/initramfs.img"
printf 'ID=debian\nPRETTY_NAME="Debian"\n' > "$tree/usr/lib/os-release"; echo host > "$tree/usr/etc/hostname"
ostree admin init-fs --modern "$sysroot" >/dev/null
ostree admin os-init --sysroot="$sysroot" debian >/dev/null
for v in 1 2; do
  echo "v$v" > "$tree/usr/bin/version"
  ostree commit --repo="$sysroot/ostree/repo" -b debian/test --tree=dir="$tree" --add-metadata-string=version=$v >/dev/null
  ostree admin deploy --sysroot="$sysroot" --os=debian debian/test >/dev/null 2>&1
done

. "$here/bench/private-bus.sh"
private_bus "$work"

# Daemon start to name acquired. The first run makes the daemon's class-data-sharing archive (at its exit).
start_daemon() {
  "$aptostreed" --sysroot="$sysroot" --bus="$address" --idle-exit=0 --log-level=warning &
  daemon_pid=$!
}
stop_daemon() {  # SIGTERM: the JVM exits normally, so a missing class-data-sharing archive is written
  kill "$daemon_pid"; wait "$daemon_pid" 2>/dev/null || true; daemon_pid=""
}
start_daemon; gdbus wait --address "$address" --timeout 60 org.aptostree.dev; stop_daemon
t_start=()
for _ in $(seq 1 "$runs"); do
  t0=$(now); start_daemon; gdbus wait --address "$address" --timeout 60 org.aptostree.dev; t1=$(now)
  t_start+=("$(ms "$t0" "$t1")")
  stop_daemon
done
printf "daemon start to name acquired   median %7.1f ms (target <= 1000)\n" "$(printf "%s\n" "${t_start[@]}" | median)"

start_daemon; gdbus wait --address "$address" --timeout 60 org.aptostree.dev
"$aptostree" status --sysroot="$sysroot" >/dev/null   # the daemon's status snapshot and the CLI's archive, once

# Ping from busctl, against dbus-daemon's own GetId: whole runs of busctl, in pairs whose order alternates. A
# busctl run is a few ms of process start and connection set-up around a round trip of well under a millisecond, so
# the daemon's share is the median of the pairs' differences (the difference of two medians swung by +-2 ms).
# Measured on the fresh daemon (its first calls run in the interpreter while the JIT compiles) and again after the
# Gio loop's 4,400 calls, as on a daemon that has run a while. Beside the times, the CPU time the daemon spent (all its
# threads, from the kernel's schedstat, less its idle background): on a loaded machine the whole runs wait for a CPU
# more than they work, and this part of the share does not.
pairs=${PAIRS:-201}
daemon_cpu_ns() { cat /proc/"$daemon_pid"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%d", s}'; }
busctl_ping() { busctl --address="$address" call org.aptostree.dev /org/aptostree/dev org.aptostree.dev.Daemon Ping >/dev/null; }
busctl_getid() { busctl --address="$address" call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId >/dev/null; }
busctl_pairs() { # LABEL
  local c0 t0 idle_per_s c_loop t_loop a b p g i t1 t2
  sleep 2; c0=$(daemon_cpu_ns); t0=$(now); sleep 1; idle_per_s=$(echo "($(daemon_cpu_ns) - $c0) / ($(now) - $t0)" | bc -l)
  c_loop=$(daemon_cpu_ns); t_loop=$(now)
  local t_ping=() t_getid=() t_diff=()
  for i in $(seq 1 "$pairs"); do
    if ((i % 2)); then
      t0=$(now); busctl_ping; t1=$(now); busctl_getid; t2=$(now); a=$(ms "$t0" "$t1"); b=$(ms "$t1" "$t2")
    else
      t0=$(now); busctl_getid; t1=$(now); busctl_ping; t2=$(now); b=$(ms "$t0" "$t1"); a=$(ms "$t1" "$t2")
    fi
    t_ping+=("$a"); t_getid+=("$b"); t_diff+=("$(echo "$a - $b" | bc -l)")
  done
  p=$(printf "%s\n" "${t_ping[@]}" | median); g=$(printf "%s\n" "${t_getid[@]}" | median)
  printf "busctl Ping, %-18s median %7.2f ms, busctl GetId %7.2f ms; the daemon's share (median of %d pairs' differences) %.2f ms (target p50 <= 1)\n" \
    "$1:" "$p" "$g" "$pairs" "$(printf "%s\n" "${t_diff[@]}" | median)"
  printf "  the daemon's CPU time per busctl Ping %.2f ms (its idle background, %.2f ms/s, left out)\n" \
    "$(echo "($(daemon_cpu_ns) - $c_loop - $idle_per_s * ($(now) - $t_loop)) / $pairs / 1000000" | bc -l)" "$(echo "$idle_per_s / 1000000" | bc -l)"
}
busctl_pairs "fresh daemon"

# The same round trips in one client process (Gio), 2000 each after 200 to warm up.
/usr/bin/python3 - "$address" <<'EOF'
import sys, time
from gi.repository import Gio, GLib
bus = Gio.DBusConnection.new_for_address_sync(sys.argv[1],
    Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
def loop(dest, path, iface, method):
    out = []
    for i in range(2200):
        t0 = time.perf_counter()
        bus.call_sync(dest, path, iface, method, None, None, Gio.DBusCallFlags.NONE, -1, None)
        if i >= 200:
            out.append((time.perf_counter() - t0) * 1000)
    out.sort()
    return out[len(out) // 2], out[int(len(out) * 0.99)]
p50, p99 = loop("org.aptostree.dev", "/org/aptostree/dev", "org.aptostree.dev.Daemon", "Ping")
g50, g99 = loop("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId")
print("Gio client Ping round trip      p50 %7.3f ms  p99 %7.3f ms; dbus-daemon GetId p50 %.3f ms  p99 %.3f ms" % (p50, p99, g50, g99))
EOF

busctl_pairs "after 4,400 calls"

# status through the daemon against --direct, with the split.
t_daemon=(); t_direct=(); t_version=(); t_dping=()
for _ in $(seq 1 "$runs"); do
  t0=$(now); "$aptostree" status --sysroot="$sysroot" >/dev/null; t1=$(now)
  "$aptostree" status --sysroot="$sysroot" --direct >/dev/null; t2=$(now)
  "$aptostree" --version >/dev/null; t3=$(now)
  "$aptostree" daemon-ping >/dev/null; t4=$(now)
  t_daemon+=("$(ms "$t0" "$t1")"); t_direct+=("$(ms "$t1" "$t2")"); t_version+=("$(ms "$t2" "$t3")"); t_dping+=("$(ms "$t3" "$t4")")
done
d=$(printf "%s\n" "${t_daemon[@]}" | median); x=$(printf "%s\n" "${t_direct[@]}" | median)
v=$(printf "%s\n" "${t_version[@]}" | median); pg=$(printf "%s\n" "${t_dping[@]}" | median)
printf "status through the daemon       median %7.1f ms, --direct %7.1f ms: ratio %.2f (target <= 1.5)\n" "$d" "$x" "$(echo "$d / $x" | bc -l)"
printf "  split: JVM and CLI start %.1f ms, bus connection and Ping %.1f ms, the status call %.1f ms\n" \
  "$v" "$(echo "$pg - $v" | bc -l)" "$(echo "$d - $pg" | bc -l)"
