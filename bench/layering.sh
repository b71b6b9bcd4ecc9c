#!/usr/bin/env bash
# Package layering against the C tools, in one run (as root): `apt-ostree install less` onto a deployed minbase, to a
# new deployment, against the same work done with the C tools as rpm-ostree's design would: `ostree checkout` of the
# base (hard links), its /etc and /var made usable (usr/etc → etc, systemd-tmpfiles), `apt-get update` and
# `apt-get install less` chrooted into it from the same local signed repository, the layout moved back, `ostree
# commit --link-checkout-speedup`, `ostree admin deploy`, and the scratch tree removed (ours leaves none). Each side
# has its own sysroot with the same base; the new deployment is undeployed after each run and the file system synced,
# so every run does the same work from the same state. Ours runs twice per round: in a process of its own (direct mode,
# as without a daemon), and through an apt-ostreed already running on a private system bus (as on a host, where the CLI
# is the daemon's client; its JVM is warm from the rounds before, which the C tools have no need of). The three take
# turns run by run, each round starting with the next of them; medians and the ratios are printed (also against the C
# tools without the scratch tree's removal), and the objects the layered commit added.
# A failed run stops the benchmark. Needs ../shared/data (the trixie minbase pool) or the test data fetched by the
# tests into target/test-data, the network once (to fetch less and verify it against trixie's InRelease), and
# apt-ftparchive (apt-utils) for the local repository's Release, dbus-daemon and gdbus (libglib2.0-bin).
# The base's kernel and initramfs are stand-ins of a few bytes; with KERNEL_MB=N they weigh N MB together (random
# bytes, an eighth of them the kernel), as a real pair does (Debian's: ~70 MB), in a WORK directory of their own.
# Usage: [PAUSE=SECONDS] [KERNEL_MB=N] WORK=/var/tmp/bench-layering bash bench/layering.sh [RUNS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
runs=${1:-5}
work=${WORK:-/var/tmp/bench-layering}
A=$PWD/apt-ostree
shared=$(readlink -f ../shared/data 2>/dev/null || true)
mirror=${MIRROR:-$shared/debian-mirror}
keyring=${KEYRING:-$shared/keyrings/debian-archive-keyring.gpg}
[ -d "$mirror" ] || { echo "bench/layering.sh: no Debian mirror at $mirror (set MIRROR and KEYRING)" >&2; exit 1; }
command -v apt-ftparchive >/dev/null || { echo "bench/layering.sh: needs apt-ftparchive (apt-get install apt-utils)" >&2; exit 1; }
[ -x "$A" ] && [ -d cli/target/lib ] || mvn -B -q package -DskipTests

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >>"$work/log" 2>&1 || { echo "bench/layering.sh: failed: $*" >&2; tail -20 "$work/log" >&2; exit 1; }; e=$(date +%s.%N); echo "$e - $s" | bc; }

if [ ! -f "$work/ready" ]; then
  chattr -R -f -i "$work" 2>/dev/null || true
  rm -rf "$work"; mkdir -p "$work"
  # The package to layer and a signed local repository with it, as both sides read it.
  idx="$mirror/dists/trixie/main/binary-amd64/Packages.xz"
  stanza=$(xz -dc "$idx" | awk -v RS= '/^Package: less\n/')
  file=$(echo "$stanza" | sed -n 's/^Filename: //p'); sha=$(echo "$stanza" | sed -n 's/^SHA256: //p')
  mkdir -p "$work/repo"
  curl -fsSL "http://deb.debian.org/debian/$file" -o "$work/repo/less.deb"
  echo "$sha  $work/repo/less.deb" | sha256sum -c --quiet
  gpg_home="$work/gnupg"; mkdir -m 700 "$gpg_home"
  gpg --homedir "$gpg_home" --batch --passphrase '' --quick-gen-key bench@example.org ed25519 sign never 2>/dev/null
  gpg --homedir "$gpg_home" --export bench@example.org > "$work/bench.gpg"
  (cd "$work/repo" && dpkg-scanpackages -m . > Packages 2>/dev/null && xz -k Packages && apt-ftparchive release . > Release \
    && gpg --homedir "$gpg_home" --batch --clearsign -o InRelease Release)
  sources="Types: deb\nURIs: file:/var/tmp/bench-repo\nSuites: ./\nSigned-By: /etc/apt/keyrings/bench.gpg\n"
  # The base: minbase and a stand-in kernel, in the sysroots of both sides.
  kernel_kib=$(( ${KERNEL_MB:-0} * 1024 / 8 )); initramfs_kib=$(( ${KERNEL_MB:-0} * 1024 - kernel_kib ))
  if [ "$kernel_kib" = 0 ]; then
    kernel='echo k > /usr/lib/modules/0.0.0-standin/vmlinuz'; initramfs='echo i > /usr/lib/modules/0.0.0-standin/initramfs.img'
  else
    kernel="head -c ${kernel_kib}K /dev/urandom > /usr/lib/modules/0.0.0-standin/vmlinuz"
    initramfs="head -c ${initramfs_kib}K /dev/urandom > /usr/lib/modules/0.0.0-standin/initramfs.img"
  fi
  printf 'ref: bench/base\nvariant: minbase\npackages: []\nallow-unbootable: true\npostprocess:\n  - |\n    mkdir -p /usr/lib/modules/0.0.0-standin\n    %s\n    %s\nsources: |\n  Types: deb\n  URIs: copy://%s\n  Suites: trixie\n  Components: main\n  Signed-By: %s\n' \
    "$kernel" "$initramfs" "$mirror" "$keyring" > "$work/base.yaml"
  $A ostree --repo="$work/composed" init --mode=bare-user
  $A compose tree "$work/base.yaml" --repo="$work/composed" --cachedir="$work/cache" --workdir="$work/tmp" >>"$work/log" 2>&1
  for side in ours theirs; do
    sr="$work/$side"; mkdir -p "$sr"
    ostree admin init-fs --modern "$sr" >/dev/null
    ostree admin os-init --sysroot="$sr" debian >/dev/null
    ostree --repo="$sr/ostree/repo" pull-local "$work/composed" bench/base >/dev/null
    ostree admin deploy --sysroot="$sr" --os=debian bench/base >/dev/null
    d=$(ls -d "$sr"/ostree/deploy/debian/deploy/*.0)
    mkdir -p "$d/etc/apt/keyrings" "$sr/ostree/deploy/debian/var/tmp"
    cp "$work/bench.gpg" "$d/etc/apt/keyrings/"
    printf "$sources" > "$d/etc/apt/sources.list.d/bench.sources"
  done
  touch "$work/ready"
fi
# Both read the repository at /var/tmp/bench-repo: ours from the host, apt from inside its chroot.
rm -rf /var/tmp/bench-repo; cp -a "$work/repo" /var/tmp/bench-repo

ours() {
  env -u DBUS_SYSTEM_BUS_ADDRESS $A install less --sysroot="$work/ours"
}
ours_daemon() {  # fails when the client fell back to direct mode
  local out
  out=$($A install less --sysroot="$work/ours" 2>&1) || { echo "$out"; return 1; }
  echo "$out"
  ! grep -q "Daemon is not running" <<<"$out"
}
# Each reset ends by writing back what the run and its reset left dirty: a deployment syncs the file system, and
# neither side's sync may pay for the other's writes.
ours_reset() {
  ostree admin undeploy --sysroot="$work/ours" 0 >/dev/null
  sync
}
theirs() {
  local sr=$work/theirs t=$work/theirs-tree base
  base=$(ostree --repo="$sr/ostree/repo" rev-parse bench/base)
  ostree --repo="$sr/ostree/repo" checkout "$base" "$t"
  mv "$t/usr/etc" "$t/etc"
  cp -a "$(ls -d "$sr"/ostree/deploy/debian/deploy/*.0 | head -1)/etc/apt/." "$t/etc/apt/"
  systemd-tmpfiles --create --root="$t" "$t/usr/lib/tmpfiles.d/aptostree-autovar.conf" >/dev/null 2>&1 || true
  mkdir -p "$t/var/tmp/bench-repo" && cp -a /var/tmp/bench-repo/. "$t/var/tmp/bench-repo/"
  # apt and dpkg's scripts need /dev and /proc, which bubblewrap gives ours.
  unshare -m sh -ec "mount --rbind /dev '$t/dev'; mount -t proc proc '$t/proc'
    chroot '$t' apt-get update -qq; chroot '$t' apt-get install -y -qq --no-install-recommends less"
  mv "$t/etc" "$t/usr/etc"
  find "$t/var" -mindepth 1 -delete
  ostree --repo="$sr/ostree/repo" commit --link-checkout-speedup --tree=dir="$t" -b bench/layered --parent="$base" -s layered >/dev/null
  ostree admin deploy --sysroot="$sr" --os=debian bench/layered >/dev/null
}
# The scratch tree goes, as ours leaves none (it becomes the deployment): both sides end in the same state. Timed
# apart too, so that the ratio can be read without it.
theirs_scratch() {
  chattr -R -f -i "$work/theirs-tree" 2>/dev/null || true; rm -rf "$work/theirs-tree"
}
theirs_reset() {
  ostree admin undeploy --sysroot="$work/theirs" 0 >/dev/null
  sync
}

# apt-ostreed on the same sysroot, on a private system bus: only ours_daemon's client finds it.
bus_pid=""; daemon_pid=""
stop() {
  [ -n "$daemon_pid" ] && { kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; } || true
  [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null || true
}
trap stop EXIT
mkdir -p "$work/bus"
. bench/private-bus.sh
private_bus "$work/bus"
./apt-ostreed --sysroot="$work/ours" --bus="$address" --idle-exit=0 --log-level=warning >>"$work/log" 2>&1 &
daemon_pid=$!
gdbus wait --address "$address" --timeout 60 org.aptostree.dev

# With PAUSE=SECONDS, each timed run starts that long after the last deletion. ext4 without a journal (as here) skips
# inodes deleted in the last minute when it allocates one, so every directory made soon after thousands were removed
# costs more (~10x), and the C tools make twice as many directories as ours (two checkouts). PAUSE=65 measures both
# sides on a rested file system; without it, on one that the runs themselves keep churning.
rest() { [ "${PAUSE:-0}" = 0 ] || sleep "$PAUSE"; }

objects() { find "$1/ostree/repo/objects" -type f | wc -l; }
before=$(objects "$work/ours")
ours >>"$work/log" 2>&1; added=$(( $(objects "$work/ours") - before )); ours_reset
ours_daemon >>"$work/log" 2>&1; ours_reset
theirs_scratch; theirs >>"$work/log" 2>&1; theirs_scratch; theirs_reset
: > "$work/ours.times"; : > "$work/ours-daemon.times"; : > "$work/theirs.times"; : > "$work/theirs-build.times"
time_theirs() {
  rest; build=$(seconds theirs); scratch=$(seconds theirs_scratch)
  echo "$build" >> "$work/theirs-build.times"; echo "$build + $scratch" | bc >> "$work/theirs.times"; theirs_reset
}
time_ours() { rest; seconds ours >> "$work/ours.times"; ours_reset; }
time_ours_daemon() { rest; seconds ours_daemon >> "$work/ours-daemon.times"; ours_reset; }
# Each round starts with the next side: a run's place in the round (after which side's reset and sync) moved medians by
# ~5% in a fixed order.
sides=(time_theirs time_ours time_ours_daemon)
for ((i = 1; i <= runs; i++)); do
  for ((j = 0; j < ${#sides[@]}; j++)); do
    "${sides[$(( (i + j) % ${#sides[@]} ))]}"
  done
done
t=$(median < "$work/theirs.times"); tb=$(median < "$work/theirs-build.times"); o=$(median < "$work/ours.times")
od=$(median < "$work/ours-daemon.times")
echo "layer less onto minbase, new deployment (median of $runs, alternated):"
echo "  C tools (ostree checkout + apt-get install + ostree commit --link-checkout-speedup + ostree admin deploy"
echo "    + removing the scratch tree): ${t}s (without the removal: ${tb}s)"
echo "  apt-ostree install less: ${o}s"
echo "  ratio: $(echo "scale=3; $o / $t" | bc) (against the C tools without the scratch tree's removal: $(echo "scale=3; $o / $tb" | bc))"
echo "  apt-ostree install less through a running apt-ostreed: ${od}s"
echo "  ratio: $(echo "scale=3; $od / $t" | bc) (against the C tools without the scratch tree's removal: $(echo "scale=3; $od / $tb" | bc))"
echo "  objects the layered commit added to the repository: $added (less's files plus the changed metadata)"
