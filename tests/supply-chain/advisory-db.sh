#!/usr/bin/env bash
# Makes a git checkout of an offline RustSec advisory snapshot, where cargo-deny looks for it.
#   advisory-db.sh SNAPSHOT_DIR DB_ROOT
# SNAPSHOT_DIR: plain files (crates/, rust/), e.g. ../shared/advisory-db; DB_ROOT: cargo-deny's
# db-path. Idempotent: rebuilt only when the snapshot's content changes.
set -euo pipefail
src="$1"; root="$2"
[ -d "$src/crates" ] || { echo "missing: the RustSec advisory snapshot at $src (set ADVISORY_DB=path)" >&2; exit 1; }
stamp="$(cd "$src" && find . -type f -name '*.md' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)"
# cargo-deny names the checkout of https://github.com/rustsec/advisory-db this way.
dest="$root/advisory-db-3157b0e258782691"
if [ -f "$dest/.snapshot" ] && [ "$(cat "$dest/.snapshot")" = "$stamp" ]; then exit 0; fi
rm -rf "$dest"; mkdir -p "$dest"
cp -r "$src/." "$dest/"
git -C "$dest" init -q
git -C "$dest" -c user.name=snapshot -c user.email=snapshot@invalid add -A
git -C "$dest" -c user.name=snapshot -c user.email=snapshot@invalid commit -qm "advisory snapshot $stamp"
echo "$stamp" > "$dest/.snapshot"
