#!/usr/bin/env bash
# Benchmark: the offline minbase compose against mmdebstrap --variant=minbase --mode=unshare followed by
# ostree commit of its output, both from the same local mirror (../shared/data/debian-mirror), in the same run.
# apt-ostree composes into a fresh bare-user repository each run; "warm" runs use a package cache filled by a
# first compose (what --offline composes in CI do), "cold" runs start from an empty cache (packages copied from
# the mirror, indexes parsed, the solver run). Reports the median of RUNS runs of each and the ratios.
# Needs root only to give root a subordinate id range for mmdebstrap's unshare mode when it has none.
# Usage: bench/compose.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
work=${WORK:-/tmp/apt-ostree-bench-compose}
mirror=${MIRROR:-$here/../shared/data/debian-mirror}
keyring=${KEYRING:-$here/../shared/data/keyrings/debian-archive-keyring.gpg}
aptostree="$here/apt-ostree"
mkdir -p "$work"
export SOURCE_DATE_EPOCH=1763000000

me=$(id -un)
if ! grep -q "^$me:" /etc/subuid 2>/dev/null || ! grep -q "^$me:" /etc/subgid 2>/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "mmdebstrap --mode=unshare needs a subordinate id range for $me in /etc/subuid and /etc/subgid" >&2; exit 1; }
  grep -q "^$me:" /etc/subuid 2>/dev/null || echo "$me:100000:65536" >> /etc/subuid
  grep -q "^$me:" /etc/subgid 2>/dev/null || echo "$me:100000:65536" >> /etc/subgid
fi

cat > "$work/minbase.yaml" <<EOT
ref: debian/trixie/amd64/minbase
variant: minbase
packages: []
sources: |
  Types: deb
  URIs: copy://$mirror
  Suites: trixie
  Components: main
  Signed-By: $keyring
EOT

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

mm_times=(); warm_times=(); cold_times=()
rm -rf "$work/cache"
"$aptostree" ostree --repo="$work/warmup" init --mode=bare-user
"$aptostree" compose tree "$work/minbase.yaml" --repo="$work/warmup" --cachedir="$work/cache" --workdir="$work/w" >/dev/null
for i in $(seq 1 "$runs"); do
  rm -rf "$work/mm.tar" "$work/mm-repo"; ostree --repo="$work/mm-repo" init --mode=bare-user; sync
  t0=$(now)
  mmdebstrap --quiet --mode=unshare --variant=minbase --skip=output/dev --keyring="$keyring" trixie "$work/mm.tar" \
      "deb copy://$mirror trixie main"
  ostree --repo="$work/mm-repo" commit -b minbase --tree=tar="$work/mm.tar" >/dev/null
  t1=$(now); mm_times+=("$(echo "$t1 - $t0" | bc -l)")

  rm -rf "$work/repo"; "$aptostree" ostree --repo="$work/repo" init --mode=bare-user; sync
  t0=$(now)
  "$aptostree" compose tree "$work/minbase.yaml" --repo="$work/repo" --cachedir="$work/cache" --workdir="$work/w" --offline >/dev/null
  t1=$(now); warm_times+=("$(echo "$t1 - $t0" | bc -l)")

  rm -rf "$work/repo" "$work/cold-cache"; "$aptostree" ostree --repo="$work/repo" init --mode=bare-user; sync
  t0=$(now)
  "$aptostree" compose tree "$work/minbase.yaml" --repo="$work/repo" --cachedir="$work/cold-cache" --workdir="$work/w" --offline >/dev/null
  t1=$(now); cold_times+=("$(echo "$t1 - $t0" | bc -l)")
done
mm=$(printf '%s\n' "${mm_times[@]}" | median)
warm=$(printf '%s\n' "${warm_times[@]}" | median)
cold=$(printf '%s\n' "${cold_times[@]}" | median)
echo "trixie minbase from $mirror, $runs runs each, median seconds"
printf '%-58s %7.2fs\n' "mmdebstrap --mode=unshare + ostree commit (bare-user)" "$mm"
printf '%-58s %7.2fs  ratio %.2f\n' "apt-ostree compose tree --offline, warm cache" "$warm" "$(echo "$warm / $mm" | bc -l)"
printf '%-58s %7.2fs  ratio %.2f\n' "apt-ostree compose tree --offline, empty cache" "$cold" "$(echo "$cold / $mm" | bc -l)"
