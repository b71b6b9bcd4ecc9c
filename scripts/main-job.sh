#!/usr/bin/env bash
# The main job: build apt-ostree, commit a small real tree (host binaries, a kernel placeholder, os-release) into
# the repository of a fresh directory sysroot, deploy it, change /etc, deploy an update on top (the /etc change
# is carried over), roll back, and check everything with our fsck and, when installed, the real ostree.
# (Until `apt-ostree compose tree` exists, the tree is assembled here instead of composed from .debs.)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package -DskipTests
work=${WORK:-target/main-job}
chattr -R -i "$work" 2>/dev/null || true
rm -rf "$work"; mkdir -p "$work"
A=./apt-ostree

tree="$work/tree"
mkdir -p "$tree/usr/bin" "$tree/usr/lib/modules/6.12.0-demo" "$tree/usr/etc"
cp -a /usr/bin/ls /usr/bin/cat "$tree/usr/bin/"
ln -s usr/bin "$tree/bin"
echo "demo kernel" > "$tree/usr/lib/modules/6.12.0-demo/vmlinuz"
echo "demo initramfs" > "$tree/usr/lib/modules/6.12.0-demo/initramfs.img"
printf 'PRETTY_NAME="apt-ostree demo"\nID=debian\n' > "$tree/usr/lib/os-release"
echo "demo" > "$tree/usr/etc/hostname"

sysroot="$work/sysroot"
$A ostree admin init-fs --modern "$sysroot"
$A ostree admin os-init --sysroot="$sysroot" demo
repo="$sysroot/ostree/repo"
c1=$($A ostree --repo="$repo" commit -b demo/stable --tree=dir="$tree" -s "first" --add-metadata-string=version=1)
echo "committed $c1"
$A ostree admin deploy --sysroot="$sysroot" --os=demo --karg=quiet demo/stable

deployed=$(ls -d "$sysroot"/ostree/deploy/demo/deploy/*.0 | head -1)
echo "local-name" > "$deployed/etc/hostname"
echo "v2" > "$tree/usr/etc/motd"
c2=$($A ostree --repo="$repo" commit -b demo/stable --tree=dir="$tree" -s "update" --add-metadata-string=version=2)
echo "committed $c2"
$A ostree admin deploy --sysroot="$sysroot" --os=demo demo/stable
$A status --sysroot="$sysroot"
new=$(ls -d "$sysroot"/ostree/deploy/demo/deploy/"$c2".0)
[ "$(cat "$new/etc/hostname")" = local-name ] && echo "/etc change carried into the update"
$A rollback --sysroot="$sysroot"
$A ostree admin status --sysroot="$sysroot"
$A ostree --repo="$repo" fsck
if command -v ostree >/dev/null; then
  ostree admin status --sysroot="$sysroot"
  ostree --repo="$repo" fsck
fi
echo "main job done: $sysroot"
