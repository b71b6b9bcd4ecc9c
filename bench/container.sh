#!/usr/bin/env bash
# Benchmark: container images of the minbase commit against the C tools in the same run.
#  export: apt-ostree ostree container encapsulate REF oci-archive:FILE (chunked by package, layers compressed on all
#          cores) vs ostree checkout + tar --xattrs -c | gzip -6 of the same tree;
#  import: apt-ostree ostree container unencapsulate of that archive into a fresh bare-user repository vs
#          gzip -dc | tar -x + ostree commit of the baseline's tarball into a fresh bare-user repository.
# The minbase commit is composed offline from ../shared/data/debian-mirror, as bench/compose.sh does. The tools take
# turns run by run; prints the median of RUNS runs of each and the ratios ours/C. A failed run stops the script.
# Usage: bench/container.sh [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
work=${WORK:-/tmp/apt-ostree-bench-container}
mirror=${MIRROR:-$here/../shared/data/debian-mirror}
keyring=${KEYRING:-$here/../shared/data/keyrings/debian-archive-keyring.gpg}
A="$here/apt-ostree"
ref=debian/trixie/amd64/minbase
mkdir -p "$work"
export SOURCE_DATE_EPOCH=1763000000

if [ ! -d "$work/repo/objects" ]; then
  cat > "$work/minbase.yaml" <<EOT
ref: $ref
variant: minbase
packages: []
sources: |
  Types: deb
  URIs: copy://$mirror
  Suites: trixie
  Components: main
  Signed-By: $keyring
EOT
  rm -rf "$work/repo"
  "$A" ostree --repo="$work/repo" init --mode=bare-user
  "$A" compose tree "$work/minbase.yaml" --repo="$work/repo" --cachedir="$work/cache" --workdir="$work/w" >/dev/null
fi
repo=$work/repo

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
since() { echo "$(now) - $1" | bc -l; }

c_export=(); j_export=(); c_import=(); j_import=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/co" "$work/tree.tar.gz"; sync
  t0=$(now)
  ostree --repo="$repo" checkout "$ref" "$work/co"
  tar --xattrs -C "$work/co" -c . | gzip -6 > "$work/tree.tar.gz"
  c_export+=("$(since "$t0")")

  rm -f "$work/image.ociarchive"; sync
  t0=$(now)
  "$A" ostree --repo="$repo" container encapsulate "$ref" "oci-archive:$work/image.ociarchive" >/dev/null
  j_export+=("$(since "$t0")")

  rm -rf "$work/c-repo" "$work/x"; ostree --repo="$work/c-repo" init --mode=bare-user; mkdir "$work/x"; sync
  t0=$(now)
  gzip -dc "$work/tree.tar.gz" | tar --xattrs -x -C "$work/x"
  ostree --repo="$work/c-repo" commit -b "$ref" --tree=dir="$work/x" >/dev/null
  c_import+=("$(since "$t0")")

  rm -rf "$work/j-repo"; "$A" ostree --repo="$work/j-repo" init --mode=bare-user; sync
  t0=$(now)
  out=$("$A" ostree --repo="$work/j-repo" container unencapsulate "oci-archive:$work/image.ociarchive")
  j_import+=("$(since "$t0")")
  [ "$out" = "Imported: $(ostree --repo="$repo" rev-parse "$ref")" ] || { echo "import gave $out" >&2; exit 1; }
done
ce=$(printf '%s\n' "${c_export[@]}" | median); je=$(printf '%s\n' "${j_export[@]}" | median)
ci=$(printf '%s\n' "${c_import[@]}" | median); ji=$(printf '%s\n' "${j_import[@]}" | median)
layers=$(tar -xOf "$work/image.ociarchive" index.json >/dev/null 2>&1 && skopeo inspect "oci-archive:$work/image.ociarchive" 2>/dev/null | grep -c 'sha256:' || echo "?")
echo "minbase commit $(ostree --repo="$repo" rev-parse "$ref" | cut -c1-12), $(du -sh "$work/co" | cut -f1) checked out; $runs runs each, median seconds"
echo "image: $(du -h "$work/image.ociarchive" | cut -f1) oci-archive; baseline tarball $(du -h "$work/tree.tar.gz" | cut -f1)"
printf '%-62s %7.2fs\n' "export: ostree checkout + tar --xattrs -c | gzip -6" "$ce"
printf '%-62s %7.2fs  ratio %.2f\n' "export: apt-ostree ostree container encapsulate (oci-archive)" "$je" "$(echo "$je / $ce" | bc -l)"
printf '%-62s %7.2fs\n' "import: gzip -dc | tar -x + ostree commit (bare-user)" "$ci"
printf '%-62s %7.2fs  ratio %.2f\n' "import: apt-ostree ostree container unencapsulate (bare-user)" "$ji" "$(echo "$ji / $ci" | bc -l)"
