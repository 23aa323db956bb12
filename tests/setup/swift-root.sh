#!/usr/bin/env bash
# A Swift toolchain for the Swift package's build and tests (issue 23).
#
#   swift-root.sh                 make sure a Swift toolchain exists; idempotent, quick when cached
#   swift-root.sh exec CMD ARG..  run CMD in the current directory with that toolchain's `swift`
#
# `swift` on the PATH (macOS, Swift from swift.org) is used as it is. Otherwise, as root, Swift
# 6.0.3 from Debian trixie's `swiftlang` is installed into a debootstrap root (this machine kind
# runs bookworm, which has no Swift; trixie's needs glibc >= 2.38, so it cannot run on the host),
# cached by version in $SWIFT_ROOT (default ~/.cache/antom-core/swift-6.0.3-trixie) behind a
# stamp. `exec` then runs CMD in that root through chroot, with proc, dev and sys mounted and the
# repository bind-mounted at its own path (so every path means the same inside and out); all
# four are unmounted by a trap. Recipe and traps: ../shared/recipes/swift.md.
# Non-root without `swift`: one line saying what to install, exit 1.
set -euo pipefail
version=6.0.3
suite=trixie
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
root="${SWIFT_ROOT:-$HOME/.cache/antom-core/swift-$version-$suite}"
# libssl-dev: libcrypto for the tests' SHA-256 and signer (a system-library target; no package by URL);
# openssl: the CLI's s_server, an untrusted TLS peer for the send tests; ca-certificates: the
# trust store URLSession (libcurl) verifies against (without it every TLS connection fails).
packages="swiftlang libc6-dev libstdc++-14-dev libssl-dev openssl ca-certificates"
stamp_text="swift $version $suite: $packages"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
start=$SECONDS
step() { echo "swift-root: [$((SECONDS - start)) s] $*" >&2; }

on_host() { command -v swift >/dev/null 2>&1; }
cached() { [ -f "$root/.stamp" ] && [ "$(cat "$root/.stamp")" = "$stamp_text" ]; }

mounted=()
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" || true; done
  mounted=()
}
mount_root() {   # proc, dev, sys: without /proc, swift cannot find libswiftCore.so and dies (SIGILL)
  trap unmount_all EXIT
  trap 'exit 130' INT TERM
  mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; mounted+=("$root/proc"); }
  mountpoint -q "$root/dev" || { mount --bind /dev "$root/dev"; mounted+=("$root/dev"); }
  mountpoint -q "$root/dev/pts" || { mount --bind /dev/pts "$root/dev/pts"; mounted+=("$root/dev/pts"); }
  mountpoint -q "$root/sys" || { mount -t sysfs sys "$root/sys"; mounted+=("$root/sys"); }
}

# Mounts left under the root by a run that was killed (ours, or debootstrap's own proc/sys):
# unmounted before anything is deleted there, so `rm -rf` never reaches the host's /dev.
unmount_leftovers() {
  local m
  for m in $(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts 2>/dev/null | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  if awk -v r="$root/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts 2>/dev/null; then
    echo "swift-root: something is still mounted under $root; not deleting it" >&2; exit 1
  fi
}

create() {
  if ! command -v debootstrap >/dev/null 2>&1; then
    step "installing debootstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1 || {
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  fi
  if [ ! -f "$root/.antom-debootstrap" ]; then
    step "debootstrap --variant=minbase $suite into $root (~40 s, ~220 MB)"
    unmount_leftovers
    rm -rf "$root"; mkdir -p "$root"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$root.debootstrap.log" 2>&1 || {
      echo "swift-root: debootstrap failed; last lines of $root.debootstrap.log:" >&2; tail -n 20 "$root.debootstrap.log" >&2; exit 1; }
    touch "$root/.antom-debootstrap"
  fi
  mount_root
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  step "apt-get install $packages inside the root (~450 MB download, ~3 GB installed)"
  # shellcheck disable=SC2086 # one word per package
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive \
    bash -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages >/dev/null" || {
      echo "swift-root: apt-get install $packages failed inside $root" >&2; exit 1; }
  local got
  got="$(chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin swift --version 2>&1 | head -n 1)"
  case "$got" in
    *"Swift version $version"*) ;;
    *) echo "swift-root: expected Swift $version in the $suite root, got: $got" >&2; exit 1 ;;
  esac
  unmount_all
  echo "$stamp_text" > "$root/.stamp"
  step "ready: $got"
}

if ! on_host; then
  # chroot and mount need root, for a cached root as much as for a new one.
  if [ "$(id -u)" != 0 ]; then
    echo "missing: swift (Swift 6 toolchain); install Swift 6 from https://swift.org/install or run make test as root (it then builds a Debian trixie root with swiftlang $version)" >&2
    exit 1
  fi
  # One user of the root at a time (creating it, or running in it: the mounts are shared
  # and each run's trap unmounts its own).
  mkdir -p "$(dirname "$root")"
  exec 9> "$root.lock"
  flock 9
  cached || create
fi

[ "${1:-}" = exec ] || {
  if on_host; then step "using $(command -v swift): $(swift --version 2>&1 | head -n 1)"
  else step "cached: Swift $version in $root"; fi
  exit 0
}
shift
[ $# -gt 0 ] || { echo "usage: swift-root.sh exec CMD [ARG...]" >&2; exit 2; }
if on_host; then exec "$@"; fi

here="$(pwd -P)"
case "$here/" in "$repo/"*) ;; *) echo "swift-root: exec runs inside the repository ($repo), not $here" >&2; exit 2 ;; esac
mount_root
mkdir -p "$root$repo"
mount --bind "$repo" "$root$repo"; mounted+=("$root$repo")
# The host's environment minus PATH (the root's own tools first); HOME stays the root's /root.
status=0
chroot "$root" /usr/bin/env PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root \
  bash -c 'cd "$0" && exec "$@"' "$here" "$@" || status=$?
unmount_all
exit "$status"
