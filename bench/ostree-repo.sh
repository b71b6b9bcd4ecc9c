#!/usr/bin/env bash
# Benchmark: apt-ostree's repository against the C ostree on the same input, in the same run.
# Input: the root filesystem of trixie minbase, built with mmdebstrap from ../shared/data/debian-mirror.
# Reports the median of RUNS runs of each and the ratio ours/ostree. Needs root (owners in the tree) or a
# pre-built tree in $ROOTFS. Usage: bench/ostree-repo.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
work=${WORK:-/tmp/apt-ostree-bench}
mirror=${MIRROR:-$here/../shared/data/debian-mirror}
keyring=${KEYRING:-$here/../shared/data/keyrings/debian-archive-keyring.gpg}
aptostree="$here/apt-ostree"
mkdir -p "$work"

rootfs=${ROOTFS:-$work/rootfs}
if [ ! -d "$rootfs" ]; then
  [ -f "$work/minbase.tar" ] || mmdebstrap --quiet --variant=minbase --keyring="$keyring" trixie "$work/minbase.tar" \
      "deb copy://$mirror trixie main"
  mkdir -p "$rootfs"
  tar --numeric-owner -xpf "$work/minbase.tar" -C "$rootfs"
  # OSTree stores no device nodes; mmdebstrap leaves a few in /dev.
  find "$rootfs/dev" -mindepth 1 -delete
fi
big=$work/rootfs-x10
if [ ! -d "$big" ]; then
  mkdir -p "$big"
  for i in $(seq 1 10); do cp -a "$rootfs" "$big/copy$i"; done
fi

now() { date +%s.%N; }
# median of the times of running "$@" runs times, each after the setup command in $setup
measure() {
  local setup=$1; shift
  local times=()
  for _ in $(seq 1 "$runs"); do
    eval "$setup"
    sync
    local t0; t0=$(now)
    "$@" >/dev/null
    local t1; t1=$(now)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}
report() {
  printf '%-38s ostree %7.3fs  apt-ostree %7.3fs  ratio %.2f\n' "$1" "$2" "$3" "$(echo "$3 / $2" | bc -l)"
}

files=$(find "$rootfs" | wc -l)
echo "input: trixie minbase, $files paths, $(du -sh "$rootfs" | cut -f1); x10 tree: $(find "$big" | wc -l) paths; $runs runs each, median"

for mode in archive bare-user; do
  t_c=$(measure "rm -rf $work/c && ostree --repo=$work/c init --mode=$mode" \
      ostree --repo="$work/c" commit -b bench --tree=dir="$rootfs" --timestamp=@0)
  t_j=$(measure "rm -rf $work/j && ostree --repo=$work/j init --mode=$mode" \
      "$aptostree" ostree --repo="$work/j" commit -b bench --tree=dir="$rootfs" --timestamp=@0)
  c1=$(ostree --repo="$work/c" rev-parse bench); c2=$(ostree --repo="$work/j" rev-parse bench)
  [ "$c1" = "$c2" ] || { echo "commit checksums differ: $c1 $c2" >&2; exit 1; }
  report "commit minbase ($mode)" "$t_c" "$t_j"
done

for mode in bare-user archive; do
  rm -rf "$work/co-repo"; ostree --repo="$work/co-repo" init --mode=$mode
  ostree --repo="$work/co-repo" commit -b big --tree=dir="$big" --timestamp=@0 >/dev/null
  t_c=$(measure "rm -rf $work/co" ostree --repo="$work/co-repo" checkout -U big "$work/co")
  t_j=$(measure "rm -rf $work/co" "$aptostree" ostree --repo="$work/co-repo" checkout -U big "$work/co")
  report "checkout -U minbase x10 ($mode)" "$t_c" "$t_j"
done

t_c=$(measure ":" ostree --version)
t_j=$(measure ":" "$aptostree" --version)
report "start-up (--version)" "$t_c" "$t_j"
