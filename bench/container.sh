#!/usr/bin/env bash
# Benchmark: container images of the minbase commit against the C tools in the same run.
#  export: apt-ostree ostree container encapsulate REF oci-archive:FILE (chunked by package, layers compressed on all
#          cores) vs ostree checkout + tar --xattrs -c | gzip -6 of the same tree;
#  import: apt-ostree ostree container unencapsulate of that archive into a fresh bare-user repository vs
#          gzip -dc | tar -x + ostree commit of the baseline's tarball into a fresh bare-user repository.
# The minbase commit is composed offline from ../shared/data/debian-mirror, as bench/compose.sh does. The tools take
# turns run by run; prints the medians of RUNS runs of each, wall time and CPU time (user + system of all processes,
# which other load on the machine changes less), and the ratios ours/C. A failed run stops the script.
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

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# measure NAME SCRIPT: runs SCRIPT in bash; appends its wall time to NAME.wall and its CPU time (user + system, all
# processes) to NAME.cpu. A failed run stops the benchmark.
measure() {
  /usr/bin/time -f "%e %U %S" -o "$runs_dir/time" bash -c "set -euo pipefail; $2" || { echo "$1 failed" >&2; exit 1; }
  read -r wall user sys < <(tail -n 1 "$runs_dir/time")
  echo "$wall" >> "$runs_dir/$1.wall"
  echo "$user + $sys" | bc -l >> "$runs_dir/$1.cpu"
}

# Every run writes into directories of its own, and all of them are removed only at the end. Files deleted just
# before a run would slow whichever tool then creates files near them: ext4 without a journal skips inodes freed in
# the last ~35 s, checking each one, when it allocates (find_inode_bit's recently_deleted), so the times would depend
# on which tool runs after which deletion rather than on the tools.
runs_dir="$work/runs"
if [ -e "$runs_dir" ]; then rm -rf "$runs_dir"; sleep 40; fi
mkdir -p "$runs_dir"
for i in $(seq 1 "$runs"); do
  r="$runs_dir/$i"
  mkdir "$r"; sync
  measure c_export "ostree --repo='$repo' checkout '$ref' '$r/co'; tar --xattrs -C '$r/co' -c . | gzip -6 > '$r/tree.tar.gz'"
  sync
  measure j_export "'$A' ostree --repo='$repo' container encapsulate '$ref' 'oci-archive:$r/image.ociarchive' >/dev/null"
  ostree --repo="$r/c-repo" init --mode=bare-user; mkdir "$r/x"; sync
  measure c_import "gzip -dc '$r/tree.tar.gz' | tar --xattrs -x -C '$r/x'; ostree --repo='$r/c-repo' commit -b '$ref' --tree=dir='$r/x' >/dev/null"
  "$A" ostree --repo="$r/j-repo" init --mode=bare-user; sync
  measure j_import "'$A' ostree --repo='$r/j-repo' container unencapsulate 'oci-archive:$r/image.ociarchive' > '$r/imported'"
  [ "$(cat "$r/imported")" = "Imported: $(ostree --repo="$repo" rev-parse "$ref")" ] || { echo "import gave $(cat "$r/imported")" >&2; exit 1; }
done
last="$runs_dir/$runs"
m() { median < "$runs_dir/$1"; }
echo "minbase commit $(ostree --repo="$repo" rev-parse "$ref" | cut -c1-12), $(du -sh "$last/co" | cut -f1) checked out; $runs runs each, medians"
echo "image: $(du -h "$last/image.ociarchive" | cut -f1) oci-archive, sha256 $(sha256sum "$last/image.ociarchive" | cut -c1-12) (the same in every run: $(sha256sum "$runs_dir"/*/image.ociarchive | cut -d' ' -f1 | sort -u | wc -l) digest); baseline tarball $(du -h "$last/tree.tar.gz" | cut -f1)"
row() { # LABEL NAME [BASELINE]
  if [ -n "${3:-}" ]; then
    printf '%-62s %6.2fs wall (ratio %.2f)  %6.2fs cpu (ratio %.2f)\n' "$1" "$(m "$2.wall")" "$(echo "$(m "$2.wall") / $(m "$3.wall")" | bc -l)" \
      "$(m "$2.cpu")" "$(echo "$(m "$2.cpu") / $(m "$3.cpu")" | bc -l)"
  else
    printf '%-62s %6.2fs wall              %6.2fs cpu\n' "$1" "$(m "$2.wall")" "$(m "$2.cpu")"
  fi
}
row "export: ostree checkout + tar --xattrs -c | gzip -6" c_export
row "export: apt-ostree ostree container encapsulate (oci-archive)" j_export c_export
row "import: gzip -dc | tar -x + ostree commit (bare-user)" c_import
row "import: apt-ostree ostree container unencapsulate (bare-user)" j_import c_import
rm -rf "$runs_dir"
