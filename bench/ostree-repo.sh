#!/usr/bin/env bash
# Benchmark: apt-ostree's repository against the C ostree on the same input, in the same run.
# Input: the root filesystem of trixie minbase, built with mmdebstrap from ../shared/data/debian-mirror.
# Reports the median of RUNS runs of each, the two tools taking turns, and the ratio ours/ostree. Needs root
# (owners in the tree) or a pre-built tree in $ROOTFS. Usage: bench/ostree-repo.sh [RUNS]
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
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# Times ostree and apt-ostree on the same task, taking turns so that a drift of the machine's speed during the
# run weighs on both alike; prints the two medians. Arguments: the setup before each run (evaluated), then the
# arguments to both tools, with {repo} standing for the repository each gets ($work/c for ostree, $work/j for us).
measure_pair() {
  local setup=$1; shift
  local ostree_times=() ours_times=()
  for _ in $(seq 1 "$runs"); do
    for tool in ostree apt-ostree; do
      local repo=$work/c; [ $tool = ostree ] || repo=$work/j
      local args=("${@//\{repo\}/$repo}")
      eval "${setup//\{repo\}/$repo}"
      sync
      local t0; t0=$(now)
      if [ $tool = ostree ]; then ostree "${args[@]}" >/dev/null; else "$aptostree" ostree "${args[@]}" >/dev/null; fi
      local t1; t1=$(now)
      if [ $tool = ostree ]; then ostree_times+=("$(echo "$t1 - $t0" | bc -l)"); else ours_times+=("$(echo "$t1 - $t0" | bc -l)"); fi
    done
  done
  echo "$(printf '%s\n' "${ostree_times[@]}" | median) $(printf '%s\n' "${ours_times[@]}" | median)"
}
report() {
  printf '%-38s ostree %7.3fs  apt-ostree %7.3fs  ratio %.2f\n' "$1" "$2" "$3" "$(echo "$3 / $2" | bc -l)"
}

files=$(find "$rootfs" | wc -l)
echo "input: trixie minbase, $files paths, $(du -sh "$rootfs" | cut -f1); x10 tree: $(find "$big" | wc -l) paths; $runs runs each, median"

for mode in archive bare-user; do
  read -r t_c t_j < <(measure_pair "rm -rf {repo} && ostree --repo={repo} init --mode=$mode" \
      --repo={repo} commit -b bench --tree=dir="$rootfs" --timestamp=@0)
  c1=$(ostree --repo="$work/c" rev-parse bench); c2=$(ostree --repo="$work/j" rev-parse bench)
  [ "$c1" = "$c2" ] || { echo "commit checksums differ: $c1 $c2" >&2; exit 1; }
  report "commit minbase ($mode)" "$t_c" "$t_j"
done

for mode in bare-user archive; do
  rm -rf "$work/co-repo"; ostree --repo="$work/co-repo" init --mode=$mode
  ostree --repo="$work/co-repo" commit -b big --tree=dir="$big" --timestamp=@0 >/dev/null
  read -r t_c t_j < <(measure_pair "rm -rf $work/co" --repo="$work/co-repo" checkout -U big "$work/co")
  report "checkout -U minbase x10 ($mode)" "$t_c" "$t_j"
done

startup_ostree=(); startup_ours=()
for _ in $(seq 1 "$runs"); do
  t0=$(now); ostree --version >/dev/null; t1=$(now); startup_ostree+=("$(echo "$t1 - $t0" | bc -l)")
  t0=$(now); "$aptostree" --version >/dev/null; t1=$(now); startup_ours+=("$(echo "$t1 - $t0" | bc -l)")
done
t_c=$(printf '%s\n' "${startup_ostree[@]}" | median)
t_j=$(printf '%s\n' "${startup_ours[@]}" | median)
report "start-up (--version)" "$t_c" "$t_j"
