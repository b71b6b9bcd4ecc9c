#!/usr/bin/env bash
# Composes examples/bootable.yaml from the live Debian mirror (needs the network), then deploys the commit into
# two directory sysroots, one with the real `ostree admin deploy` and one with ours, and compares their boot
# entries and /boot files. Run as root (a sysroot's deployments hold root-owned files).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-target/bootable-example}
ref=debian/trixie/amd64/bootable
A=./apt-ostree
for s in "$work/sys-ostree" "$work/sys-ours"; do chattr -R -i "$s" 2>/dev/null || true; rm -rf "$s"; done
mkdir -p "$work"
[ -d "$work/repo" ] || ostree --repo="$work/repo" init --mode=bare-user
$A compose tree examples/bootable.yaml --repo="$work/repo" --cachedir="$work/cache" --workdir="$work/work"
echo "kernel: $(ostree --repo="$work/repo" show --print-metadata-key=ostree.linux $ref)"

mkdir -p "$work/sys-ostree"
ostree admin init-fs "$work/sys-ostree"
ostree admin os-init --sysroot="$work/sys-ostree" debian
ostree --repo="$work/sys-ostree/ostree/repo" pull-local "$work/repo" $ref
ostree admin deploy --sysroot="$work/sys-ostree" --os=debian $ref

$A ostree admin init-fs "$work/sys-ours"
$A ostree admin os-init --sysroot="$work/sys-ours" debian
$A ostree --repo="$work/sys-ours/ostree/repo" pull-local "$work/repo" $ref
$A ostree admin deploy --sysroot="$work/sys-ours" --os=debian $ref

diff <(cat "$work"/sys-ostree/boot/loader/entries/*.conf) <(cat "$work"/sys-ours/boot/loader/entries/*.conf)
diff <(cd "$work/sys-ostree/boot" && find . | sort) <(cd "$work/sys-ours/boot" && find . | sort)
cat "$work"/sys-ours/boot/loader/entries/*.conf
ls "$work"/sys-ours/boot/ostree/*/
echo "bootable example: same boot entries and /boot files from ostree admin deploy and apt-ostree"
echo "boot it with: scripts/boot-in-qemu.sh $work/sys-ours"
