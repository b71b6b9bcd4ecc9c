#!/usr/bin/env bash
# The main job: build apt-ostree, compose Debian minbase from the host's APT sources (examples/minbase.yaml, plus a
# stand-in kernel so that it can be deployed: scripts/main-job.yaml) without root, deploy it into a fresh directory
# sysroot, give the deployment the host's APT sources, layer a package (apt-ostree install) and change /etc, compose
# a new base with an extra package and upgrade to it (the layered package is applied again, the /etc change carried
# over), roll back, and check everything with our fsck and, when installed, the real ostree.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
work=${WORK:-target/main-job}
chattr -R -i "$work/sysroot" 2>/dev/null || true
rm -rf "$work/sysroot" "$work/repo"; mkdir -p "$work"
A=./apt-ostree
ref=debian/minbase/demo

repo="$work/repo"
$A ostree --repo="$repo" init --mode=bare-user
$A compose tree scripts/main-job.yaml --repo="$repo" --cachedir="$work/cache" --workdir="$work/compose" \
    --write-commitid-to="$work/commit1"
echo "composed $(cat "$work/commit1")"
$A ostree --repo="$repo" show "$ref"

sysroot="$work/sysroot"
$A ostree admin init-fs --modern "$sysroot"
$A ostree admin os-init --sysroot="$sysroot" debian
$A ostree --repo="$sysroot/ostree/repo" pull-local "$repo" "$ref"
$A ostree admin deploy --sysroot="$sysroot" --os=debian --karg=quiet "$ref"

deployed=$(ls -d "$sysroot"/ostree/deploy/debian/deploy/*.0 | head -1)
# The admin's APT sources for layering, as on a host: the deployment's own /etc/apt (the host's, here).
cp /etc/apt/sources.list.d/*.sources "$deployed/etc/apt/sources.list.d/" 2>/dev/null || cp /etc/apt/sources.list "$deployed/etc/apt/"
echo "local-name" > "$deployed/etc/hostname"
$A install hello --sysroot="$sysroot"
$A status --sysroot="$sysroot"

sed "s#include: ../examples/minbase.yaml#include: $PWD/examples/minbase.yaml#" scripts/main-job.yaml > "$work/update.yaml"
echo "packages: [less]" >> "$work/update.yaml"
$A compose tree "$work/update.yaml" --repo="$repo" --cachedir="$work/cache" --workdir="$work/compose" \
    --write-commitid-to="$work/commit2"
c2=$(cat "$work/commit2")
echo "composed the update $c2"
$A ostree --repo="$sysroot/ostree/repo" pull-local "$repo" "$ref"
$A upgrade --sysroot="$sysroot"
$A status --sysroot="$sysroot"
# The default deployment is the first "id" of status --json: osname-checksum.serial.
id=$($A status --json --sysroot="$sysroot" | grep -m1 '"id"' | sed 's/.*"debian-\([0-9a-f]*\.[0-9]*\)".*/\1/')
new="$sysroot/ostree/deploy/debian/deploy/$id"
check() { if "$@"; then :; else echo "main job: check failed: $*" >&2; exit 1; fi; }
check test -x "$new/usr/bin/less"
check test -x "$new/usr/bin/hello"
echo "the upgrade has the new base's less and the layered hello"
check test "$(cat "$new/etc/hostname")" = local-name
echo "/etc change carried into the upgrade"
$A rollback --sysroot="$sysroot"
$A ostree admin status --sysroot="$sysroot"
$A ostree --repo="$repo" fsck
if command -v ostree >/dev/null; then
  ostree admin status --sysroot="$sysroot"
  ostree --repo="$sysroot/ostree/repo" fsck
fi
# Deployments carry the immutable flag as root; lifted so that the next run and 'mvn clean' can delete them.
chattr -R -i "$sysroot" 2>/dev/null || true
echo "main job done: $sysroot"
