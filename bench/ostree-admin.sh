#!/usr/bin/env bash
# Benchmark: `apt-ostree ostree admin deploy` against `ostree admin deploy` of the same commit into a directory
# sysroot, in the same run: trixie minbase with a kernel and initramfs, and a tree ten times that size.
# Medians of RUNS runs, the two tools taking turns; each run deploys into a fresh copy of the same prepared
# sysroot. Needs root.
# Usage: bench/ostree-admin.sh [RUNS]   (uses $WORK/rootfs from bench/ostree-repo.sh, building it if missing)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
work=${WORK:-/tmp/apt-ostree-bench}
aptostree="$here/apt-ostree"
[ -d "$work/rootfs" ] || RUNS=1 bash "$here/bench/ostree-repo.sh" 1 >/dev/null

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

prepare() {  # $1 name, $2 tree: a sysroot template with the commit in its repository
  local tpl=$work/sysroot-$1
  rm -rf "$tpl" && mkdir -p "$tpl"
  ostree admin init-fs --modern "$tpl" >/dev/null
  ostree admin os-init --sysroot="$tpl" debian >/dev/null
  ostree --repo="$tpl/ostree/repo" commit -b debian/bench --tree=dir="$2" --timestamp=@0 \
      --add-metadata-string=version=1 >/dev/null
}

for size in 1 10; do
  tree=$work/deploy-tree-$size
  if [ ! -d "$tree" ]; then
    mkdir -p "$tree"
    cp -a "$work/rootfs/." "$tree/"
    mv "$tree/etc" "$tree/usr/etc"
    mkdir -p "$tree/usr/lib/modules/6.12.0-bench"
    head -c 12000000 /dev/urandom > "$tree/usr/lib/modules/6.12.0-bench/vmlinuz"
    head -c 40000000 /dev/urandom > "$tree/usr/lib/modules/6.12.0-bench/initramfs.img"
    for i in $(seq 2 "$size"); do cp -a "$work/rootfs/usr" "$tree/usr/copy$i"; done
  fi
  prepare "$size" "$tree"
  # The two tools take turns, so a drift of the machine's speed during the run weighs on both alike.
  t_ostree=(); t_ours=()
  for _ in $(seq 1 "$runs"); do
    for tool in ostree apt-ostree; do
      chattr -R -i "$work/sr" 2>/dev/null || true
      rm -rf "$work/sr" && cp -a "$work/sysroot-$size" "$work/sr" && sync
      t0=$(now)
      if [ $tool = ostree ]; then
        ostree admin deploy --sysroot="$work/sr" --os=debian debian/bench >/dev/null
      else
        "$aptostree" ostree admin deploy --sysroot="$work/sr" --os=debian debian/bench >/dev/null
      fi
      t1=$(now)
      if [ $tool = ostree ]; then t_ostree+=("$(echo "$t1 - $t0" | bc -l)"); else t_ours+=("$(echo "$t1 - $t0" | bc -l)"); fi
    done
  done
  t_c=$(printf "%s\n" "${t_ostree[@]}" | median)
  t_j=$(printf "%s\n" "${t_ours[@]}" | median)
  printf "deploy minbase+kernel x%-2s  ostree %7.3fs  apt-ostree %7.3fs  ratio %.2f\n" "$size" "$t_c" "$t_j" "$(echo "$t_j / $t_c" | bc -l)"
done
