#!/usr/bin/env bash
# The main job: build apt-ostree, commit a real root filesystem tree into an OSTree repository,
# check it with the real ostree (when installed) and check it out again.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
work=${WORK:-target/main-job}
rm -rf "$work"; mkdir -p "$work"
tree="$work/tree"
mkdir -p "$tree/usr/bin" "$tree/usr/lib" "$tree/etc"
cp -a /usr/bin/ls /usr/bin/cat "$tree/usr/bin/"
ln -s usr/bin "$tree/bin"
echo "main-job" > "$tree/etc/hostname"
./apt-ostree ostree --repo="$work/repo" init --mode=archive
commit=$(./apt-ostree ostree --repo="$work/repo" commit -b main-job/x86_64 --tree=dir="$tree" -s "main job" --owner-uid=0 --owner-gid=0)
echo "committed $commit"
./apt-ostree ostree --repo="$work/repo" fsck
if command -v ostree >/dev/null; then ostree --repo="$work/repo" fsck; fi
./apt-ostree ostree --repo="$work/repo" checkout -U main-job/x86_64 "$work/checkout"
diff -r "$tree" "$work/checkout" && echo "checkout matches the tree"
