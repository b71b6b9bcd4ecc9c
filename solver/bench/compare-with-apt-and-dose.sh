#!/usr/bin/env bash
# Whole-command benchmark of the solver against the C tools on the same trixie index, in one run.
#
# 1. apt-ostree ex solve install gnome  vs  apt-get -s install gnome (apt 3.x), in a trixie chroot that holds
#    minbase (mmdebstrap --variant=minbase from the shared mirror, through copy://). Both sides read the same
#    files: the Packages list in the chroot's /var/lib/apt/lists (apt decompressed it when it updated), the
#    chroot's dpkg status and apt's extended_states.
#    - warm: apt with its pkgcache.bin and srcpkgcache.bin, apt-ostree with its cache directory, both valid.
#    - cold: apt without pkgcache.bin and srcpkgcache.bin, apt-ostree without its cache directory; each run makes
#      its cache again, as a first run after an update does. Cold means no binary cache; the page cache is not
#      dropped, so the files are in memory on both sides.
#    - apt-ostree also reads the mirror's Packages.xz, cold and warm: cold adds the decompression that apt did at
#      update time, outside its timed runs.
# 2. apt-ostree ex distcheck --no-cache  vs  dose-distcheck, on the same Packages list; neither has a cache (the
#    solve's cache is never used).
#
# The sides take turns run by run (who starts alternates every round), ROUNDS rounds (default 5, at least 5).
# Prints the median, minimum and maximum wall-clock time of each, the median CPU time (user + system, less
# affected by other load on a shared machine), the ratios of the medians and the median of the per-round ratios,
# and apt-ostree's profile split (--timings) of a warm and a cold run. A failing run, or an answer that differs
# from the first run's, stops the benchmark with an error: it is never counted as a time. Asserts nothing about time.
#
# Needs root (mmdebstrap --mode=root, chroot), mmdebstrap, dose-distcheck (Debian package dose-distcheck)
# and a built CLI (mvn -B -pl cli -am package -DskipTests).
# Usage: solver/bench/compare-with-apt-and-dose.sh [WORKDIR]   (default /tmp/apt-ostree-solver-bench)
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
root=$(readlink -f "$here/../..")
shared=${APTOSTREE_SHARED:-$(readlink -f "$root/../shared")}
mirror=$shared/data/debian-mirror
xz_index=$mirror/dists/trixie/main/binary-amd64/Packages.xz
work=${1:-/tmp/apt-ostree-solver-bench}
rounds=${ROUNDS:-5}

die() {
    echo "compare-with-apt-and-dose: $*" >&2
    exit 1
}

[ "$rounds" -ge 5 ] || die "ROUNDS must be at least 5"
[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap --mode=root, chroot)"
for tool in mmdebstrap dose-distcheck; do
    command -v "$tool" > /dev/null || die "missing $tool"
done
[ -f "$xz_index" ] || die "no trixie index at $xz_index"
[ -x "$root/apt-ostree" ] && [ -f "$root/cli/target/apt-ostree.jar" ] || die "build the CLI first"

mkdir -p "$work"
chroot_dir=$work/trixie-minbase
if [ ! -x "$chroot_dir/usr/bin/apt-get" ]; then
    rm -rf "$chroot_dir"
    mmdebstrap --variant=minbase --mode=root --keyring="$shared/data/keyrings/debian-archive-keyring.gpg" \
        --skip=cleanup/apt/lists trixie "$chroot_dir" "deb copy://$mirror trixie main" >&2
fi
lists=$(echo "$chroot_dir"/var/lib/apt/lists/*_dists_trixie_main_binary-amd64_Packages)
[ -f "$lists" ] || die "no uncompressed Packages list in $chroot_dir/var/lib/apt/lists"
status=$chroot_dir/var/lib/dpkg/status
extended=$chroot_dir/var/lib/apt/extended_states
[ -f "$extended" ] || die "no $extended"
rm -rf "$work/runs"
mkdir -p "$work/runs"

# run NAME CMD...: one timed run; appends "wall cpu" to $work/runs/NAME.times, keeps the output of the first run
# as NAME.answer and fails when a later run answers otherwise (ANSWER_FILTER turns the output into the answer).
run() {
    local name=$1
    shift
    local out=$work/runs/$name.out err=$work/runs/$name.err t=$work/runs/$name.time code=0
    # bash's time, not /usr/bin/time: the commands are shell functions. User and system time include children.
    local TIMEFORMAT='%R %U %S'
    { time "$@" > "$out" 2> "$err"; } 2> "$t" || code=$?
    if [ "$code" != 0 ] && ! { [ "$name" = dose ] && [ "$code" = 1 ] && grep -q '^broken-packages:' "$out"; }; then
        # dose-distcheck exits 1 when it reports broken packages; anything else is a failure.
        die "$name failed (exit $code): $(tail -3 "$err")"
    fi
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$t" >> "$work/runs/$name.times"
    answer "$name" < "$out" > "$work/runs/$name.now"
    if [ -f "$work/runs/$name.answer" ]; then
        cmp -s "$work/runs/$name.answer" "$work/runs/$name.now" || die "$name answered differently in a later run"
    else
        mv "$work/runs/$name.now" "$work/runs/$name.answer"
    fi
}

# The part of a run's output that must not change between runs.
answer() {
    case $1 in
        apt-*) sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p' | sort ;;
        ours-*) cat ;;
        dose) grep -E '^(total|broken)-packages:' ;;
        distcheck) cat ;;
    esac
}

apt_solve() {
    chroot "$chroot_dir" apt-get -s install gnome
}

ours_solve() { # ours_solve INDEX CACHE-DIR [OPTION...]
    "$root/apt-ostree" ex solve --arch amd64 --index "$1" --cache-dir "$2" --status "$status" \
        --extended-states "$extended" "${@:3}" install gnome
}

apt_cold() {
    rm -f "$chroot_dir"/var/cache/apt/pkgcache.bin "$chroot_dir"/var/cache/apt/srcpkgcache.bin
    apt_solve
}

ours_cold() { # ours_cold INDEX CACHE-DIR
    rm -rf "$2"
    ours_solve "$1" "$2"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$rounds"); do
    # Cold before warm: the cold runs leave the caches the warm runs use. Who starts alternates.
    if [ $((r % 2)) = 1 ]; then
        run apt-cold apt_cold
        run ours-cold ours_cold "$lists" "$work/cache"
        run apt-warm apt_solve
        run ours-warm ours_solve "$lists" "$work/cache"
    else
        run ours-cold ours_cold "$lists" "$work/cache"
        run apt-cold apt_cold
        run ours-warm ours_solve "$lists" "$work/cache"
        run apt-warm apt_solve
    fi
    run ours-xz-cold ours_cold "$xz_index" "$work/cache-xz"
    run ours-xz-warm ours_solve "$xz_index" "$work/cache-xz"
    echo "round $r of $rounds done" >&2
done
for r in $(seq "$rounds"); do
    if [ $((r % 2)) = 1 ]; then
        run dose dose-distcheck --deb-native-arch=amd64 -f -e "deb://$lists"
        run distcheck "$root/apt-ostree" ex distcheck --no-cache --arch amd64 --index "$lists"
    else
        run distcheck "$root/apt-ostree" ex distcheck --no-cache --arch amd64 --index "$lists"
        run dose dose-distcheck --deb-native-arch=amd64 -f -e "deb://$lists"
    fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
for a in ours-xz-cold ours-xz-warm ours-warm; do
    cmp -s "$work/runs/ours-cold.answer" "$work/runs/$a.answer" || die "$a answered otherwise than ours-cold"
done
cmp -s "$work/runs/apt-cold.answer" "$work/runs/apt-warm.answer" || die "apt answered otherwise warm than cold"

# median: the median of the numbers on stdin, one a line.
median() {
    sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# stats NAME: "median min max cpu-median" of the wall-clock and CPU seconds of a run kind.
stats() {
    local f=$work/runs/$1.times
    printf '%.2f %.2f %.2f %.2f\n' "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f1 "$f" | sort -n | head -1)" \
        "$(cut -d' ' -f1 "$f" | sort -n | tail -1)" "$(cut -d' ' -f2 "$f" | median)"
}

# ratio OURS THEIRS: ratio of the medians, and the median (min, max) of the ratios of runs of the same round.
ratio() {
    local a b per_round
    a=$(stats "$1" | cut -d' ' -f1)
    b=$(stats "$2" | cut -d' ' -f1)
    per_round=$(paste -d' ' "$work/runs/$1.times" "$work/runs/$2.times" | awk '{ printf "%.4f\n", $1 / $3 }' | sort -n)
    printf '%.3f (per round: median %.3f, %.3f to %.3f)' "$(echo "$a $b" | awk '{ print $1 / $2 }')" \
        "$(echo "$per_round" | median)" "$(echo "$per_round" | head -1)" "$(echo "$per_round" | tail -1)"
}

line() {
    read -r median min max cpu <<< "$(stats "$1")"
    printf '  %-34s %7ss %7ss %7ss %7ss\n' "$2" "$median" "$min" "$max" "$cpu"
}

echo "apt: $(chroot "$chroot_dir" apt-get --version | head -1), in a trixie chroot holding minbase ($(grep -c '^Package:' "$status") packages installed)"
echo "index: $lists ($(stat -c %s "$lists") bytes, $(grep -c '^Package:' "$lists") packages), and $xz_index for apt-ostree's .xz runs"
echo "install gnome: apt-get -s installs $(wc -l < "$work/runs/apt-warm.answer") packages (same in every run), apt-ostree $(wc -l < "$work/runs/ours-warm.answer") (same in every run, warm, cold and .xz)"
echo "$rounds rounds; load average before $load_before, after $load_after"
printf '  %-34s %8s %8s %8s %8s\n' "" median min max "cpu med"
line apt-warm "apt-get -s, warm"
line ours-warm "apt-ostree ex solve, warm"
line apt-cold "apt-get -s, cold"
line ours-cold "apt-ostree ex solve, cold"
line ours-xz-warm "apt-ostree ex solve, .xz, warm"
line ours-xz-cold "apt-ostree ex solve, .xz, cold"
line dose "dose-distcheck"
line distcheck "apt-ostree ex distcheck --no-cache"
echo "ratio warm:        $(ratio ours-warm apt-warm)"
echo "ratio cold:        $(ratio ours-cold apt-cold)"
echo "ratio .xz warm:    $(ratio ours-xz-warm apt-warm)"
echo "ratio .xz cold:    $(ratio ours-xz-cold apt-cold)"
echo "ratio distcheck:   $(ratio distcheck dose)"
echo "distcheck: dose-distcheck $(grep '^broken-packages' "$work/runs/dose.answer"), apt-ostree $(sed -n 's/.*, \([0-9]*\) not installable.*/broken-packages: \1/p' "$work/runs/distcheck.err")"

echo "apt-ostree profile (--timings; 'start' is from the JVM's start to picocli's call):"
ours_solve "$lists" "$work/cache" --timings > /dev/null 2> "$work/runs/profile-warm.err" \
    || die "profile run failed: $(tail -3 "$work/runs/profile-warm.err")"
echo "  warm: $(tail -1 "$work/runs/profile-warm.err")"
rm -rf "$work/cache"
ours_solve "$lists" "$work/cache" --timings > /dev/null 2> "$work/runs/profile-cold.err" \
    || die "profile run failed: $(tail -3 "$work/runs/profile-cold.err")"
echo "  cold: $(tail -1 "$work/runs/profile-cold.err")"
