#!/usr/bin/env bash
# An arm64 (aarch64) Debian userland to run the aarch64 wheel and jar under qemu-user, made
# without root from Debian's own packages: `apt-get download` then `dpkg -x` (not installed).
#   arm64-sysroot.sh DEST      -> DEST/root (the sysroot) and DEST/debs; idempotent
# Needs (once, as root): `dpkg --add-architecture arm64 && apt-get update` and
# `apt-get install qemu-user-static` (.ci/run does both on Debian/Ubuntu).
set -euo pipefail
dest="${1:?usage: arm64-sysroot.sh DEST}"
packages="python3.11-minimal:arm64 libpython3.11-minimal:arm64 libpython3.11-stdlib:arm64
  libc6:arm64 libgcc-s1:arm64 zlib1g:arm64 libexpat1:arm64 libffi8:arm64 libssl3:arm64
  libstdc++6:arm64 openjdk-17-jre-headless:arm64"
stamp="$(echo "$packages" | tr -s ' \n' ' ' | sha256sum | cut -c1-16)"
[ -f "$dest/.stamp" ] && [ "$(cat "$dest/.stamp")" = "$stamp" ] && exit 0

command -v qemu-aarch64-static >/dev/null || {
  echo "missing: qemu-aarch64-static (runs the aarch64 builds here); install: apt-get install qemu-user-static" >&2; exit 1; }
dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 || {
  echo "missing: Debian's arm64 package lists (for the aarch64 userland); install: dpkg --add-architecture arm64 && apt-get update" >&2; exit 1; }

rm -rf "$dest"; mkdir -p "$dest/debs" "$dest/root"
# shellcheck disable=SC2086 # one word per package
(cd "$dest/debs" && apt-get download $packages >/dev/null 2>&1) || {
  echo "apt-get download of the arm64 packages failed; try: cd $dest/debs && apt-get download $packages" >&2; exit 1; }
for deb in "$dest"/debs/*.deb; do dpkg -x "$deb" "$dest/root"; done
echo "$stamp" > "$dest/.stamp"
echo "arm64 userland in $dest/root ($(ls "$dest/debs" | wc -l) packages)"
