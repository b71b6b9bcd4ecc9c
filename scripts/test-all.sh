#!/usr/bin/env bash
# Runs every test of apt-ostree against the real tools (ostree, dpkg, gpgv, dbus-daemon, bwrap, skopeo, ...).
# As root, installs the tools that are missing with apt-get. With CI=true a missing tool fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# tool -> Debian package
tools=(
  ostree:ostree
  dpkg-deb:dpkg
  dpkg-scanpackages:dpkg-dev
  apt-get:apt
  gpgv:gpgv
  gpg:gnupg
  sqv:sqv
  dbus-daemon:dbus-daemon
  gdbus:libglib2.0-bin
  busctl:systemd
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
  lintian:lintian
  groff:groff-base
  lexgrog:man-db
  systemd-nspawn:systemd-container
)
missing=()
for entry in "${tools[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "test-all: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u) >&2
  fi
  still=()
  for entry in "${tools[@]}"; do
    command -v "${entry%%:*}" >/dev/null 2>&1 || still+=("${entry%%:*}")
  done
  if ((${#still[@]})); then
    if [ "${CI:-}" = true ]; then
      echo "test-all: missing tools with CI=true: ${still[*]}" >&2
      exit 1
    fi
    echo "test-all: warning: tests needing ${still[*]} will be skipped" >&2
  fi
fi

mvn -B verify "$@"
