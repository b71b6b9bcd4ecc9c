#!/bin/sh
# Whole-command benchmark of the solver against the C tools on the same trixie index, in one run:
#   1. apt-ostree ex solve install gnome   vs  apt-get -s install gnome   (apt 3.x in a trixie chroot)
#   2. apt-ostree ex distcheck             vs  dose-distcheck              (same Packages file)
# Prints wall-clock times and ratios; asserts nothing about time. Needs root (mmdebstrap --mode=root,
# chroot), mmdebstrap and dose-distcheck, and a built CLI (mvn -pl cli -am package -DskipTests).
# Usage: solver/bench/compare-with-apt-and-dose.sh [WORKDIR]   (default /tmp/apt-ostree-solver-bench)
set -eu
here=$(dirname "$(readlink -f "$0")")
root=$(readlink -f "$here/../..")
shared=${APTOSTREE_SHARED:-$(readlink -f "$root/../shared")}
mirror=$shared/data/debian-mirror
index=$mirror/dists/trixie/main/binary-amd64/Packages.xz
work=${1:-/tmp/apt-ostree-solver-bench}
chroot_dir=$work/trixie-chroot
mkdir -p "$work"

seconds() { # run a command, print its wall-clock seconds
    start=$(date +%s.%N); "$@" > "$work/last.out" 2>&1 || true; end=$(date +%s.%N)
    echo "$end - $start" | bc
}

if [ ! -x "$chroot_dir/usr/bin/apt-get" ]; then
    mmdebstrap --variant=apt --mode=root --keyring="$shared/data/keyrings/debian-archive-keyring.gpg" \
        --skip=cleanup/apt/lists trixie "$chroot_dir" "deb copy://$mirror trixie main" >&2
fi
status=$chroot_dir/var/lib/dpkg/status
echo "apt: $(chroot "$chroot_dir" apt-get --version | head -1); installed set: $(grep -c '^Package:' "$status") packages"

# Warm both sides once (apt builds pkgcache.bin, we build our package cache).
chroot "$chroot_dir" apt-get -s install gnome > /dev/null 2>&1 || true
"$root/apt-ostree" ex solve --cache-dir "$work/cache" --arch amd64 --index "$index" --status "$status" install gnome > /dev/null

apt_s=$(seconds chroot "$chroot_dir" apt-get -s install gnome)
apt_n=$(grep -c '^Inst' "$work/last.out" || true)
ours_s=$(seconds "$root/apt-ostree" ex solve --cache-dir "$work/cache" --arch amd64 --index "$index" --status "$status" install gnome)
ours_n=$(wc -l < "$work/last.out")
echo "install gnome: apt-get -s ${apt_s}s ($apt_n packages), apt-ostree ${ours_s}s ($ours_n packages), ratio $(echo "scale=3; $ours_s / $apt_s" | bc)"
# Short-lived JVMs spend much of their time in the C2 compiler; C1 only is the usual setting for CLIs.
c1_s=$(APT_OSTREE_JAVA_OPTS="-XX:TieredStopAtLevel=1 ${APT_OSTREE_JAVA_OPTS:-}" seconds "$root/apt-ostree" ex solve \
    --cache-dir "$work/cache" --arch amd64 --index "$index" --status "$status" install gnome)
echo "install gnome, JVM with -XX:TieredStopAtLevel=1: apt-ostree ${c1_s}s, ratio $(echo "scale=3; $c1_s / $apt_s" | bc)"

if command -v dose-distcheck > /dev/null; then
    xz -dc "$index" > "$work/Packages"
    dose_s=$(seconds dose-distcheck --deb-native-arch=amd64 -f -e "deb://$work/Packages")
    dose_broken=$(grep '^broken-packages' "$work/last.out" | awk '{print $2}')
    ours_s=$(seconds "$root/apt-ostree" ex distcheck --cache-dir "$work/cache" --arch amd64 --index "$index")
    ours_broken=$(sed -n 's/.*, \([0-9]*\) not installable.*/\1/p' "$work/last.out")
    echo "distcheck: dose-distcheck ${dose_s}s ($dose_broken broken), apt-ostree ${ours_s}s ($ours_broken broken), ratio $(echo "scale=3; $ours_s / $dose_s" | bc)"
fi
