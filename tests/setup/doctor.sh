#!/usr/bin/env bash
# The prerequisites that `make` cannot install without root, checked in a few seconds.
#
#   doctor.sh ITEM...          print one line per missing ITEM (what, which version, how to
#                              install it); exit 1 if any is missing. The Makefile runs this before
#                              anything else, with what the goals on its command line need.
#   doctor.sh --install ITEM...
#                              the same check, then, for what is missing: as root with apt-get,
#                              install its Debian packages (and add dpkg's arm64 architecture for
#                              qemu) and check again; otherwise the one line per missing ITEM
#                              names the command to run. The Makefile runs this form before every
#                              goal; ANTOM_AUTO_INSTALL=0 turns the installing off.
#   doctor.sh --all [--used-by NAME=GOALS]... [--tool LABEL=PATH]... ITEM...
#                              `make doctor`: every ITEM, ok or missing, with the version found
#                              (as root with apt-get, a missing Debian package is "to install":
#                              make installs it before the goal that needs it, not an error);
#                              then what make installs by itself (rustup target and components,
#                              pinned tools cached by version) and whether it is there yet.
#
# ITEM is rust, cc, node, python, jdk, maven, openssl, qemu, swift, postgres or redis, optionally with a minimum version
# that raises the default: python@3.10. An ITEM named twice keeps the higher minimum.
# Environment: PYTHON3 (default python3), MVN (default mvn), DOCTOR_PLATFORM (apt, brew or
# other: which install commands to suggest; detected when unset).
#
# Portable to bash 3.2 (macOS): no associative arrays, no ${x,,}, no mapfile.
set -uo pipefail

PYTHON3="${PYTHON3:-python3}"
MVN="${MVN:-mvn}"

mode=check
items=()
used_by=()
tools=()
while [ $# -gt 0 ]; do
  case "$1" in
    --all) mode=all ;;
    --install) mode=install ;;
    --used-by) used_by+=("$2"); shift ;;
    --tool) tools+=("$2"); shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "doctor.sh: unknown option $1" >&2; exit 2 ;;
    *) items+=("$1") ;;
  esac
  shift
done

platform="${DOCTOR_PLATFORM:-}"
if [ -z "$platform" ]; then
  if command -v apt-get >/dev/null 2>&1; then platform=apt
  elif command -v brew >/dev/null 2>&1; then platform=brew
  else platform=other; fi
fi

have() { command -v "$1" >/dev/null 2>&1; }

# version_ge A B: dotted version A >= B (missing parts count as 0, suffixes like -ea are ignored).
version_ge() {
  local IFS=.
  local -a a b
  a=($1); b=($2)
  local i=0 x y
  while [ "$i" -lt "${#a[@]}" ] || [ "$i" -lt "${#b[@]}" ]; do
    x="${a[$i]:-0}"; y="${b[$i]:-0}"
    x="${x%%[!0-9]*}"; y="${y%%[!0-9]*}"
    x=$((10#${x:-0})); y=$((10#${y:-0}))
    [ "$x" -gt "$y" ] && return 0
    [ "$x" -lt "$y" ] && return 1
    i=$((i + 1))
  done
  return 0
}

# first_version TEXT: the first dotted number in TEXT (20.20.2 from v20.20.2).
first_version() { printf '%s\n' "$1" | grep -oE '[0-9]+(\.[0-9]+)+' | head -n 1; }

# hint APT BREW OTHER: the usual install command on this platform.
hint() {
  case "$platform" in
    apt) printf '%s' "$1" ;;
    brew) printf '%s' "$2" ;;
    *) printf '%s' "$3" ;;
  esac
}

# Every check sets LABEL (what, which version), FOUND (ok: what was found), PROBLEM (empty when
# ok) and HINT.
check_rust() { # min
  LABEL="Rust >= $1 via rustup (cargo, rustc)"
  HINT="install: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh (https://rustup.rs)"
  PROBLEM=""; FOUND=""
  local tool out v
  for tool in rustup cargo rustc; do
    have "$tool" || { PROBLEM="$tool not found"; return; }
  done
  if ! out="$(rustc --version 2>&1)"; then
    PROBLEM="rustc does not run ($(printf '%s' "$out" | head -n 1))"
    HINT="run: rustup default stable"
    return
  fi
  v="$(first_version "$out")"
  if ! version_ge "$v" "$1"; then
    PROBLEM="found rustc $v"; HINT="update: rustup update stable"; return
  fi
  have cargo && cargo --version >/dev/null 2>&1 || { PROBLEM="cargo does not run"; HINT="run: rustup default stable"; return; }
  FOUND="rustc $v, $(rustup --version 2>/dev/null | head -n 1 | cut -d' ' -f1-2)"
}

check_cc() {
  LABEL="C compiler (cc, Rust links with it)"
  HINT="$(hint 'install: apt-get install build-essential' 'install: xcode-select --install' 'install: gcc or clang, as cc')"
  PROBLEM=""; FOUND=""
  have cc || { PROBLEM="cc not found"; return; }
  # Linking a program needs the C library's development files too (Debian: libc6-dev).
  local tmp ok=0
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/doctor-cc.XXXXXX")" || { PROBLEM="no temporary directory"; return; }
  printf 'int main(void) { return 0; }\n' > "$tmp/t.c"
  cc "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1 && ok=1
  rm -rf "$tmp"
  [ "$ok" = 1 ] || { PROBLEM="cc cannot link a C program"; return; }
  FOUND="$(cc --version 2>/dev/null | head -n 1)"
  [ -n "$FOUND" ] || FOUND="cc"
}

check_node() { # min
  LABEL="Node.js >= $1 with npm"
  HINT="$(hint "install: apt-get install nodejs npm (Debian 13, Ubuntu 24.04; older releases ship Node 18: https://nodejs.org)" \
    'install: brew install node' 'install: https://nodejs.org')"
  PROBLEM=""; FOUND=""
  local v
  have node || { PROBLEM="node not found"; return; }
  v="$(first_version "$(node --version 2>/dev/null)")"
  version_ge "${v:-0}" "$1" || { PROBLEM="found node ${v:-(version unknown)}"; return; }
  have npm || { PROBLEM="npm not found (node $v)"; return; }
  FOUND="node $v, npm $(npm --version 2>/dev/null)"
}

check_python() { # min
  LABEL="Python >= $1 with venv and ensurepip ($PYTHON3)"
  HINT="$(hint 'install: apt-get install python3 python3-venv' 'install: brew install python' 'install: https://www.python.org/downloads/')"
  PROBLEM=""; FOUND=""
  local out v
  have "$PYTHON3" || { PROBLEM="$PYTHON3 not found"; return; }
  out="$("$PYTHON3" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" \
    || { PROBLEM="$PYTHON3 does not run"; return; }
  v="$out"
  version_ge "$v" "$1" || { PROBLEM="found $PYTHON3 $v"; return; }
  "$PYTHON3" -c 'import venv, ensurepip; assert ensurepip.version()' >/dev/null 2>&1 \
    || { PROBLEM="found $PYTHON3 $v without venv/ensurepip"; return; }
  FOUND="$PYTHON3 $v (venv, ensurepip)"
}

check_jdk() { # min
  LABEL="JDK >= $1 (javac, java)"
  HINT="$(hint 'install: apt-get install default-jdk-headless' "install: brew install openjdk@$1" 'install: https://adoptium.net')"
  PROBLEM=""; FOUND=""
  local out v
  have javac || { PROBLEM="javac not found"; return; }
  have java || { PROBLEM="java not found"; return; }
  out="$(javac -version 2>&1 | grep -E '^javac ' | head -n 1)"
  v="${out#javac }"
  case "$v" in 1.*) v="${v#1.}" ;; esac   # javac 1.8.0_x is JDK 8
  v="${v%%[!0-9.]*}"
  [ -n "$v" ] || { PROBLEM="javac does not run"; return; }
  version_ge "$v" "$1" || { PROBLEM="found javac ${out#javac }"; return; }
  FOUND="javac ${out#javac }"
}

check_maven() { # min
  LABEL="Maven >= $1 (mvn)"
  HINT="$(hint 'install: apt-get install maven' 'install: brew install maven' 'install: https://maven.apache.org/download.cgi')"
  PROBLEM=""; FOUND=""
  local out v
  have "$MVN" || { PROBLEM="$MVN not found"; return; }
  out="$("$MVN" -B -v 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | grep -E '^Apache Maven ' | head -n 1)"
  v="$(first_version "$out")"
  if [ -z "$v" ]; then
    # mvn runs on a JDK: without one it cannot say its version, and the JDK line says what to do.
    if ! have java; then FOUND="$MVN (version unchecked: no java)"; return; fi
    PROBLEM="$MVN -v fails"; return
  fi
  version_ge "$v" "$1" || { PROBLEM="found Maven $v"; return; }
  FOUND="Maven $v"
}

check_openssl() {
  LABEL="OpenSSL CLI (openssl)"
  HINT="$(hint 'install: apt-get install openssl' 'install: brew install openssl' 'install: https://www.openssl.org')"
  PROBLEM=""; FOUND=""
  have openssl || { PROBLEM="openssl not found"; return; }
  FOUND="$(openssl version 2>/dev/null | cut -d' ' -f1-2)"
  [ -n "$FOUND" ] || PROBLEM="openssl does not run"
}

check_qemu() {
  LABEL="qemu-user with Debian's arm64 package lists (runs the aarch64 wheel and jar)"
  HINT="install: apt-get install qemu-user-static && dpkg --add-architecture arm64 && apt-get update"
  PROBLEM=""; FOUND=""
  have qemu-aarch64-static || { PROBLEM="qemu-aarch64-static not found"; return; }
  dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 \
    || { PROBLEM="the arm64 architecture is not added to dpkg"; return; }
  FOUND="$(qemu-aarch64-static --version 2>/dev/null | head -n 1)"
}

# Swift: a `swift` on PATH (swift.org's toolchain, macOS), or what make builds itself as root:
# Swift 6.0.3 from Debian trixie's `swiftlang` in a debootstrap root (tests/setup/swift-root.sh),
# cached under ~/.cache/antom-core/, which needs debootstrap (and network to Debian's mirror).
SWIFT_ROOT_STAMP="${SWIFT_ROOT_STAMP:-$HOME/.cache/antom-core/swift-6.0.3-trixie/.stamp}"
check_swift() {
  LABEL="Swift 6 (swift on PATH, or as root: debootstrap, for the Swift 6.0.3 root make builds)"
  HINT="install: Swift 6 from https://www.swift.org/install/ (or run make as root on Debian/Ubuntu: apt-get install debootstrap)"
  PROBLEM=""; FOUND=""
  if have swift; then
    FOUND="$(swift --version 2>&1 | grep -m1 -oE 'Swift version [0-9][0-9.]*')"
    [ -n "$FOUND" ] || FOUND="swift"
    return
  fi
  # The root is entered with chroot and mounts: root only, even once it is cached. It installs
  # debootstrap itself with apt-get when that is missing.
  if [ "$(id -u 2>/dev/null)" = 0 ]; then
    if [ -f "$SWIFT_ROOT_STAMP" ]; then FOUND="Swift 6.0.3 root (cached: ${SWIFT_ROOT_STAMP%/.stamp})"; return; fi
    if have debootstrap || have apt-get; then
      FOUND="root with $(have debootstrap && echo debootstrap || echo apt-get): make builds the Swift 6.0.3 root on first use"; return
    fi
    PROBLEM="no swift, and neither debootstrap nor apt-get to build the Swift root"; return
  fi
  PROBLEM="swift not found (and not root: make cannot build the Swift root)"
}

# PostgreSQL's server programs (initdb, pg_ctl, postgres): tests start a throw-away cluster in a
# temporary directory (as root: as the postgres user, with runuser). Debian keeps them off PATH,
# in /usr/lib/postgresql/VERSION/bin; the newest there wins, else pg_config --bindir, else PATH.
postgres_bindir() {
  local d best="" bestv=0 v
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] || continue
    v="${d%/bin}"; v="${v##*/}"; v="${v%%[!0-9]*}"
    [ "${v:-0}" -ge "$bestv" ] && { best="$d"; bestv="${v:-0}"; }
  done
  if [ -z "$best" ] && have pg_config; then
    d="$(pg_config --bindir 2>/dev/null)"; [ -x "$d/initdb" ] && best="$d"
  fi
  if [ -z "$best" ] && have initdb; then best="$(dirname "$(command -v initdb)")"; fi
  printf '%s' "$best"
}

check_postgres() { # min
  LABEL="PostgreSQL server >= $1 (initdb, pg_ctl: tests start their own cluster)"
  HINT="$(hint 'install: apt-get install postgresql' 'install: brew install postgresql' 'install: https://www.postgresql.org/download/')"
  PROBLEM=""; FOUND=""
  local dir v
  dir="$(postgres_bindir)"
  [ -n "$dir" ] || { PROBLEM="initdb not found (/usr/lib/postgresql/*/bin, pg_config, PATH)"; return; }
  [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] || { PROBLEM="pg_ctl or postgres missing next to $dir/initdb"; return; }
  v="$(first_version "$("$dir/postgres" --version 2>/dev/null)")"
  version_ge "${v:-0}" "$1" || { PROBLEM="found PostgreSQL ${v:-(version unknown)} in $dir"; return; }
  if [ "$(id -u 2>/dev/null)" = 0 ] && ! have runuser; then
    PROBLEM="running as root without runuser (the server refuses to run as root)"; HINT="install: apt-get install util-linux"; return
  fi
  FOUND="PostgreSQL $v ($dir)"
}

check_redis() { # min
  LABEL="Redis server >= $1 (redis-server: tests start their own)"
  HINT="$(hint 'install: apt-get install redis-server' 'install: brew install redis' 'install: https://redis.io/docs/latest/operate/oss_and_stack/install/')"
  PROBLEM=""; FOUND=""
  local v
  have redis-server || { PROBLEM="redis-server not found"; return; }
  v="$(redis-server --version 2>/dev/null | grep -oE 'v=[0-9.]+' | head -n 1)"; v="${v#v=}"
  [ -n "$v" ] || { PROBLEM="redis-server --version fails"; return; }
  version_ge "$v" "$1" || { PROBLEM="found redis-server $v"; return; }
  FOUND="redis-server $v"
}

# apt_packages ITEM: the Debian packages that provide ITEM (empty: not a system package).
apt_packages() {
  case "$1" in
    cc) echo build-essential ;; node) echo nodejs npm ;; python) echo python3 python3-venv ;;
    jdk) echo default-jdk-headless ;; maven) echo maven ;; openssl) echo openssl ;;
    qemu) echo qemu-user-static ;; swift) echo debootstrap ;;
    postgres) echo postgresql ;; redis) echo redis-server ;;
    *) echo "" ;;
  esac
}

default_min() {
  case "$1" in
    rust) echo 1.85 ;; node) echo 20 ;; python) echo 3.9 ;; jdk) echo 17 ;; maven) echo 3.6.3 ;;
    postgres) echo 12 ;; redis) echo 6.0 ;;
    cc|openssl|qemu|swift) echo "" ;;
    *) return 1 ;;
  esac
}

# Deduplicate ITEMs (fixed order, highest minimum wins) without associative arrays.
ORDER="rust cc node python jdk maven openssl qemu swift postgres redis"
for name in $ORDER; do eval "want_$name=0; min_$name=\$(default_min $name)"; done
for item in ${items[@]+"${items[@]}"}; do
  name="${item%%@*}"
  default_min "$name" >/dev/null || { echo "doctor.sh: unknown prerequisite '$name' (known: $ORDER)" >&2; exit 2; }
  eval "want_$name=1"
  if [ "$item" != "$name" ]; then
    v="${item#*@}"
    eval "cur=\$min_$name"
    if [ -z "$cur" ] || ! version_ge "$cur" "$v"; then eval "min_$name=\$v"; fi
  fi
done

used_by_of() { # name -> the --used-by text for it
  local e
  for e in ${used_by[@]+"${used_by[@]}"}; do
    [ "${e%%=*}" = "$1" ] && { printf '%s' "${e#*=}"; return; }
  done
}

# --install: as root with apt-get, install the packages of whatever is missing, then check again
# (below). Every line goes to stderr: the Makefile reads stdout.
if [ "$mode" = install ]; then
  pkgs=""; arm64=0
  for name in $ORDER; do
    eval "want=\$want_$name; min=\$min_$name"
    [ "$want" = 1 ] || continue
    "check_$name" "$min"
    [ -n "$PROBLEM" ] || continue
    [ "$name" = qemu ] && ! dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 && arm64=1
    if [ "$name" = qemu ] && have qemu-aarch64-static; then continue; fi
    pkgs="$pkgs $(apt_packages "$name")"
  done
  pkgs="$(echo $pkgs)"
  if { [ -n "$pkgs" ] || [ "$arm64" = 1 ]; } && [ "${ANTOM_AUTO_INSTALL:-1}" != 0 ] \
    && [ "$(id -u 2>/dev/null)" = 0 ] && have apt-get; then
    start=$SECONDS
    what="apt-get install $pkgs"
    [ "$arm64" = 1 ] && what="dpkg --add-architecture arm64; $what"
    echo "== installing the missing prerequisites as root: $what" >&2
    if [ "$arm64" = 1 ]; then dpkg --add-architecture arm64 >&2; fi
    if ! { apt-get update -qq >&2 && { [ -z "$pkgs" ] || DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends $pkgs >/dev/null 2>"${TMPDIR:-/tmp}/antom-apt.err"; }; }; then
      echo "apt-get install $pkgs failed:" >&2; tail -n 5 "${TMPDIR:-/tmp}/antom-apt.err" >&2 || true
    fi
    hash -r
    echo "== installed in $((SECONDS - start)) s" >&2
  fi
  mode=check
fi

# auto_installs ITEM: `make` installs ITEM itself before the goal that needs it (root with
# apt-get, installing not turned off, ITEM a Debian package): `make doctor` then lists it as
# "to install", not as missing.
auto_installs() {
  [ "${ANTOM_AUTO_INSTALL:-1}" != 0 ] && [ "$(id -u 2>/dev/null)" = 0 ] && have apt-get \
    && [ -n "$(apt_packages "$1")" ]
}

missing=0; to_install=0
[ "$mode" = all ] && echo "Prerequisites (install these yourself; make installs everything else):"
for name in $ORDER; do
  eval "want=\$want_$name; min=\$min_$name"
  [ "$want" = 1 ] || continue
  "check_$name" "$min"
  if [ -n "$PROBLEM" ] && [ "$mode" = all ] && auto_installs "$name"; then
    to_install=$((to_install + 1))
    line="to install: $LABEL: $PROBLEM; make installs it first (root with apt-get: $(apt_packages "$name"))"
  elif [ -n "$PROBLEM" ]; then
    missing=$((missing + 1))
    line="missing: $LABEL: $PROBLEM; $HINT"
  else
    line="ok:      $LABEL: $FOUND"
  fi
  if [ "$mode" = all ]; then
    by="$(used_by_of "$name")"
    echo "  $line${by:+   [make $by]}"
  elif [ -n "$PROBLEM" ]; then
    echo "$line"
  fi
done

if [ "$mode" = all ]; then
  echo
  echo "Installed by make when a target needs them (no root; skipped when present):"
  status() { if "$@" >/dev/null 2>&1; then echo "present"; else echo "not yet"; fi; }
  if have rustc && have rustup; then
    sysroot="$(rustc --print sysroot 2>/dev/null)"
    echo "  $(status test -d "$sysroot/lib/rustlib/wasm32-unknown-unknown"): wasm32-unknown-unknown target (rustup target add)"
    echo "  $(status cargo fmt --version): rustfmt (rustup component add)"
    echo "  $(status cargo clippy --version): clippy (rustup component add)"
    echo "  $(status env RUSTUP_AUTO_INSTALL=0 cargo +nightly --version): nightly toolchain, minimal profile (rustup toolchain install)"
  fi
  for t in ${tools[@]+"${tools[@]}"}; do
    echo "  $(status test -e "${t#*=}"): ${t%%=*} (${t#*=})"
  done
  echo
  if [ "$missing" -gt 0 ]; then
    echo "$missing prerequisite(s) missing: every make target that needs one stops before building."
  elif [ "$to_install" -gt 0 ]; then
    echo "$to_install prerequisite(s) to install: make installs them (as root, with apt-get) before the first goal that needs them."
  else
    echo "Every prerequisite is present."
  fi
fi

[ "$missing" -eq 0 ]
