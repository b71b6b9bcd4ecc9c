#!/usr/bin/env bash
# Runs every test of apt-ostree against the real tools (ostree, dpkg, gpgv, dbus-daemon, bwrap, skopeo, ...).
# As root, installs the tools that are missing with apt-get. With CI=true a missing tool fails the run, and so does
# any test that finds something missing (testkit's Requirements): none is skipped.
# Real Debian data comes from ../shared/data when it is beside the checkout, else from the host's Debian mirror,
# verified against the host's Debian archive keyring, into target/test-data (testkit's DebianData).
set -euo pipefail
cd "$(dirname "$0")/.."

# tool (a command, or a file by its absolute path) -> Debian package
tools=(
  /usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring
  ostree:ostree
  dpkg-deb:dpkg
  dpkg-scanpackages:dpkg-dev
  apt-get:apt
  apt-cache:apt
  gpgv:gpgv
  gpg:gnupg
  sqv:sqv
  dbus-daemon:dbus-daemon
  gdbus:libglib2.0-bin
  busctl:systemd
  systemd-tmpfiles:systemd
  chattr:e2fsprogs
  setpriv:util-linux
  chroot:coreutils
  ldd:libc-bin
  tar:tar
  bwrap:bubblewrap
  skopeo:skopeo
  umoci:umoci
  docker-registry:docker-registry
  mmdebstrap:mmdebstrap
  nginx:nginx-light
  xz:xz-utils
  zstd:zstd
  bzip2:bzip2
  lzma:xz-utils
  cpio:cpio
  qemu-system-x86_64:qemu-system-x86
  mkfs.ext4:e2fsprogs
  debugfs:e2fsprogs
  dbus-monitor:dbus-bin
  dbus-send:dbus-bin
  /usr/lib/polkit-1/polkitd:polkitd
  gdbus-codegen:libglib2.0-dev
  pkg-config:pkg-config
  gcc:gcc
  setpriv:util-linux
  useradd:passwd
  lintian:lintian
  groff:groff-base
  lexgrog:man-db
  systemd-nspawn:systemd-container
)
present() {
  case $1 in
    /*) [ -e "$1" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}
missing=()
for entry in "${tools[@]}"; do
  present "${entry%%:*}" || missing+=("${entry#*:}")
done
# The daemon tests' Python client uses Gio (not a command).
/usr/bin/python3 -c 'from gi.repository import Gio' >/dev/null 2>&1 || missing+=(python3-gi)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "test-all: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u) >&2
  fi
  still=()
  for entry in "${tools[@]}"; do
    present "${entry%%:*}" || still+=("${entry%%:*}")
  done
  /usr/bin/python3 -c 'from gi.repository import Gio' >/dev/null 2>&1 || still+=(python3-gi)
  if ((${#still[@]})); then
    if [ "${CI:-}" = true ]; then
      echo "test-all: missing tools with CI=true: ${still[*]}" >&2
      exit 1
    fi
    echo "test-all: warning: tests needing ${still[*]} will be skipped" >&2
  fi
fi

mvn -B verify "$@"
# The generators as an outside project uses them: fixtures/examples/consumer against the installed artifact.
bash scripts/fixtures-consumer.sh
