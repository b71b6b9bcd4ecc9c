#!/usr/bin/env bash
# Boots the default deployment of an OSTree sysroot in QEMU, with the serial console on the terminal.
#
#   scripts/boot-in-qemu.sh SYSROOT [DISK]   puts the directory sysroot SYSROOT (made by `apt-ostree ostree admin
#                                            init-fs` and `... admin deploy --sysroot=SYSROOT`) on a new ext4 disk
#                                            image DISK (default SYSROOT.img, made by mkfs.ext4 -d: no root needed)
#                                            and boots it
#   scripts/boot-in-qemu.sh DISK             boots a disk image made before, as it is now (after the guest changed
#                                            it, or after a deploy into it)
#
# No bootloader: QEMU boots the kernel and initramfs of the default deployment's BLS entry (the one with the highest
# version) with the entry's options, to which root=LABEL=apt-ostree-root, rw and console=ttyS0 are added when the
# options have no root=, no ro/rw and no console=. The image needs an initramfs made by dracut with ostree-boot's
# module (examples/bootable.yaml). KVM is used when /dev/kvm runs the kernel (BOOT_ACCEL=kvm|tcg forces one), else TCG
# (a minute or two to boot).
# Leave the console with Ctrl-A X; a poweroff or reboot of the guest ends QEMU too.
#
# Environment: BOOT_CONSOLE=FILE  the serial console goes to FILE instead of the terminal
#              BOOT_KARGS         more kernel arguments
#              BOOT_MEMORY        MiB of memory (default 1536)
#              BOOT_CPUS          CPUs (default 2)
#              BOOT_ACCEL         auto (default), kvm or tcg
#              BOOT_DISK_SIZE     size of a new disk image (default 4G; the file is sparse)
set -euo pipefail

usage() {
  echo "usage: $0 SYSROOT [DISK] | $0 DISK" >&2
  exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
for tool in qemu-system-x86_64 mkfs.ext4 debugfs; do
  command -v $tool >/dev/null || { echo "boot-in-qemu: $tool is missing (Debian: apt-get install qemu-system-x86 e2fsprogs)" >&2; exit 1; }
done
label=apt-ostree-root
if [ -d "$1" ]; then
  sysroot=${1%/}
  disk=${2:-$sysroot.img}
  [ -d "$sysroot/ostree/deploy" ] && [ -d "$sysroot/boot/loader" ] \
    || { echo "boot-in-qemu: $sysroot is not a sysroot with a deployment (no ostree/deploy or boot/loader)" >&2; exit 1; }
  rm -f "$disk"
  mkfs.ext4 -q -F -L "$label" -d "$sysroot" "$disk" "${BOOT_DISK_SIZE:-4G}"
elif [ -f "$1" ] && [ $# -eq 1 ]; then
  disk=$1
else
  usage
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# debugfs reads the image without mounting it (and follows /boot/loader -> loader.N).
image() {
  debugfs -R "$1" "$disk" 2>/dev/null
}
entry=
best=-1
for name in $(image "ls -p /boot/loader/entries" | awk -F/ '$6 ~ /\.conf$/ { print $6 }'); do
  version=$(image "cat /boot/loader/entries/$name" | awk '$1 == "version" { print $2 }')
  if [ "${version:-0}" -gt "$best" ]; then
    best=${version:-0}
    entry=$name
  fi
done
[ -n "$entry" ] || { echo "boot-in-qemu: $disk has no boot entry in /boot/loader/entries" >&2; exit 1; }
image "cat /boot/loader/entries/$entry" > "$work/entry"
field() {
  sed -n "s/^$1 //p" "$work/entry" | head -n 1
}
options=$(field options)
image "dump /boot$(field linux) $work/vmlinuz" >/dev/null
initrd=()
if [ -n "$(field initrd)" ]; then
  image "dump /boot$(field initrd) $work/initrd" >/dev/null
  initrd=(-initrd "$work/initrd")
fi
[ -s "$work/vmlinuz" ] || { echo "boot-in-qemu: cannot read the kernel /boot$(field linux) of $entry from $disk" >&2; exit 1; }
case " $options " in *" root="*) ;; *) options="$options root=LABEL=$label" ;; esac
case " $options " in *" ro "*|*" rw "*) ;; *) options="$options rw" ;; esac
case " $options " in *" console="*) ;; *) options="$options console=ttyS0" ;; esac
options="$options ${BOOT_KARGS:-}"
echo "boot-in-qemu: $entry ($(field title)) from $disk" >&2
echo "boot-in-qemu: options $options" >&2

# KVM only when it runs this kernel: a nested host can have a /dev/kvm that fails (QEMU aborts on an MSR it cannot
# set, or the guest stops on a KVM internal error), which would look like a kernel that does not boot. The probe
# boots the kernel without a root file system and looks for its first console line; it ends at the kernel's panic.
kvm_runs_the_kernel() {
  [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
  # In a subshell with its own stderr: the shell's report of an aborted QEMU would look like an error of the boot.
  (timeout 20 qemu-system-x86_64 -nodefaults -accel kvm -cpu host -smp 1 -m 256 -no-reboot -kernel "$work/vmlinuz" \
    -append "console=ttyS0 panic=-1 root=/dev/nonexistent" -display none -monitor none -serial "file:$work/kvm-probe" \
    >/dev/null 2>&1) 2>/dev/null || true
  grep -q "Linux version" "$work/kvm-probe" 2>/dev/null
}
case "${BOOT_ACCEL:-auto}" in
  kvm) accel=(-accel kvm -cpu host) ;;
  tcg) accel=(-accel tcg) ;;
  auto)
    if kvm_runs_the_kernel; then
      accel=(-accel kvm -cpu host)
    else
      [ -e /dev/kvm ] && echo "boot-in-qemu: /dev/kvm does not run the kernel here; using TCG" >&2
      accel=(-accel tcg)
    fi ;;
  *) echo "boot-in-qemu: BOOT_ACCEL must be auto, kvm or tcg, not '$BOOT_ACCEL'" >&2; exit 2 ;;
esac
if [ -n "${BOOT_CONSOLE:-}" ]; then
  console=(-serial "file:$BOOT_CONSOLE" -display none -monitor none)
else
  console=(-display none -serial mon:stdio)
fi
# No default devices (no VGA, CD-ROM, floppy): less for the kernel to probe, which counts under TCG.
qemu-system-x86_64 -nodefaults "${accel[@]}" -smp "${BOOT_CPUS:-2}" -m "${BOOT_MEMORY:-1536}" -no-reboot \
  -kernel "$work/vmlinuz" "${initrd[@]}" -append "$options panic=-1" \
  -drive "file=$disk,if=virtio,format=raw" -nic user,model=virtio-net-pci "${console[@]}"
