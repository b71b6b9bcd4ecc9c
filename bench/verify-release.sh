#!/usr/bin/env bash
# Release verification against gpgv, in one run: `apt-ostree deb verify-release` of the trixie InRelease in
# ../shared/data (signature, then the hashes of the Packages indexes it lists) against `gpgv` of the same InRelease
# with the same keyring. The two take turns; medians and the ratio are printed. A failed run stops the benchmark.
# Ours does more work (a JVM start, and hashing the indexes gpgv never reads).
# Usage: bash bench/verify-release.sh [RUNS]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
shared=$(readlink -f ../shared/data)
mirror=$shared/debian-mirror
keyring=$shared/keyrings/debian-archive-keyring.gpg
[ -x ./apt-ostree ] && [ -d cli/target/lib ] || mvn -B -q package -DskipTests
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "bench/verify-release.sh: failed: $*" >&2; exit 1; }; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ours=(); theirs=()
for ((i = 0; i < runs; i++)); do
  ours+=("$(ms ./apt-ostree deb verify-release --no-check-valid-until --keyring="$keyring" "$mirror" trixie)")
  theirs+=("$(ms gpgv --keyring "$keyring" "$mirror/dists/trixie/InRelease")")
done
o=$(printf '%s\n' "${ours[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median)
echo "verify trixie's InRelease (median of $runs, alternated): apt-ostree ${o} ms, gpgv ${t} ms, ratio $(echo "scale=2; $o / $t" | bc)"
