#!/usr/bin/env bash
# `make test-doctor` (the first suite of `make test`): hide one prerequisite at a time from PATH
# and run the README's command that needs it, for real. Each run must stop within seconds,
# exit non-zero, and print exactly two lines: the one-line message for that piece (what, which
# version, the install command) and make's "stopped before building anything". Nothing else:
# no build output, no stack trace.
#
#   hidden          command      expected first line
#   node            make demo    missing: Node.js >= 20 with npm: node not found; ...
#   java, javac     make test    missing: JDK >= 17 (javac, java): javac not found; ...
#   openssl         make test    missing: OpenSSL CLI (openssl): openssl not found; ...
#   cargo           make lint    missing: Rust >= 1.85 via rustup (cargo, rustc): cargo not found; ...
#
#
# Then the installing path (doctor.sh --install, what make runs first), with stub `id`, `apt-get`
# and `dpkg` in front of PATH (nothing is installed for real): as root, the missing piece's
# Debian package is installed and the check passes; not root, exactly one line names the command
# and apt-get is never called.
#
# Hiding: every directory on PATH that holds a hidden name is replaced by a directory of
# symlinks to everything else in it; the test asserts the name no longer resolves.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
LIMIT="${TEST_DOCTOR_LIMIT:-20}"   # seconds a stopped command may take

if [ -n "${ANTOM_TEST_DOCTOR_INNER:-}" ]; then
  # Only reachable if a hidden-prerequisite `make test` got past its check and ran the suites.
  echo "test-doctor: make test ran its suites with a prerequisite hidden: the check let it through" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/antom-test-doctor.XXXXXX")"
trap 'rm -rf "$work"' EXIT
make_bin="$(command -v make)"
failures=0
ran=0

fail() { echo "  FAIL: $*"; failures=$((failures + 1)); }

# new_case TITLE: counts the case, prints TITLE, makes its directory CASE_DIR and keeps the
# failure count so far in CASE_FAILURES.
new_case() {
  ran=$((ran + 1))
  CASE_FAILURES=$failures
  CASE_DIR="$work/case$ran"
  mkdir -p "$CASE_DIR"
  echo "== $1"
}

# shadow_path DIR NAME...: prints PATH with every NAME hidden, building shadows under DIR.
shadow_path() {
  local shadows="$1"; shift
  local out="" dir n i=0 hit
  local IFS=:
  local -a dirs
  dirs=($PATH)
  unset IFS
  for dir in "${dirs[@]}"; do
    [ -n "$dir" ] && [ -d "$dir" ] || continue
    hit=0
    for n in "$@"; do [ -e "$dir/$n" ] || [ -L "$dir/$n" ] && hit=1; done
    if [ "$hit" = 1 ]; then
      i=$((i + 1))
      mkdir -p "$shadows/$i"
      # One ln for the whole directory (about a thousand names in /usr/bin), then drop the hidden.
      find "$dir" -mindepth 1 -maxdepth 1 ! -type d -print0 | xargs -0 -r ln -s -t "$shadows/$i"
      for n in "$@"; do rm -f "$shadows/$i/$n"; done
      dir="$shadows/$i"
    fi
    out="${out:+$out:}$dir"
  done
  printf '%s' "$out"
}

# expect_stop HIDDEN GOAL FIRST_LINE: with HIDDEN (comma-separated) off PATH, `make GOAL` must
# print exactly FIRST_LINE and make's stop line, fast, with a failing exit status.
expect_stop() {
  local hidden="$1" goal="$2" want="$3"
  local -a names
  IFS=, read -r -a names <<< "$hidden"
  new_case "make $goal with $hidden hidden from PATH"
  local case_dir="$CASE_DIR" failures_before="$CASE_FAILURES"
  local path
  path="$(shadow_path "$case_dir/path" "${names[@]}")"
  local n
  for n in "${names[@]}"; do
    if PATH="$path" command -v "$n" >/dev/null 2>&1; then
      fail "$n is still on the shadow PATH ($(PATH="$path" command -v "$n")): the case would prove nothing"
      return
    fi
  done
  PATH="$path" command -v make >/dev/null || { fail "make itself is not on the shadow PATH"; return; }

  local start end status=0
  start=$(date +%s)
  # A user's shell: no outer make's flags or level; DOCTOR_PLATFORM pins the install hints.
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u PREREQ_CHECK \
    PATH="$path" ANTOM_TEST_DOCTOR_INNER=1 DOCTOR_PLATFORM=apt ANTOM_AUTO_INSTALL=0 \
    timeout --kill-after=5 "$((LIMIT * 3))" "$make_bin" "$goal" > "$case_dir/out" 2>&1 || status=$?
  end=$(date +%s)
  sed 's/^/   | /' "$case_dir/out"

  local stop_re="^Makefile:[0-9]+: \*\*\* make $goal: stopped before building anything; install what is missing above \(\`make doctor\` lists every prerequisite\)\.  Stop\.$"
  local lines
  lines=$(wc -l < "$case_dir/out")
  [ "$status" -ne 0 ] || fail "make $goal exited 0"
  [ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "make $goal did not stop: killed by timeout"
  [ $((end - start)) -le "$LIMIT" ] || fail "make $goal took $((end - start)) s (limit $LIMIT s)"
  [ "$(sed -n 1p "$case_dir/out")" = "$want" ] || fail "first line is not: $want"
  sed -n 2p "$case_dir/out" | grep -Eq "$stop_re" || fail "second line is not make's stop line"
  [ "$lines" -eq 2 ] || fail "expected exactly 2 lines of output, got $lines"
  if grep -Eq 'Traceback|panicked|node:internal|^[[:space:]]+at |Error:|error\[|Compiling|Exception' "$case_dir/out"; then
    fail "stack trace or build output in the output"
  fi
  [ "$failures" -ne "$failures_before" ] || echo "   ok: exit $status in $((end - start)) s"
}

# With the full PATH every prerequisite these cases rely on is present: otherwise the expected
# output (exactly one missing line) cannot hold, and the machine needs `make doctor` first.
if ! bash tests/setup/doctor.sh rust cc node python jdk maven openssl >/dev/null; then
  echo "test-doctor: a prerequisite is missing with the full PATH; see make doctor:" >&2
  bash tests/setup/doctor.sh rust cc node python jdk maven openssl >&2 || true
  exit 1
fi

expect_stop node demo \
  "missing: Node.js >= 20 with npm: node not found; install: apt-get install nodejs npm (Debian 13, Ubuntu 24.04; older releases ship Node 18: https://nodejs.org)"
expect_stop java,javac test \
  "missing: JDK >= 17 (javac, java): javac not found; install: apt-get install default-jdk-headless"
expect_stop openssl test \
  "missing: OpenSSL CLI (openssl): openssl not found; install: apt-get install openssl"
expect_stop cargo lint \
  "missing: Rust >= 1.85 via rustup (cargo, rustc): cargo not found; install: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh (https://rustup.rs)"

# expect_install UID: Maven hidden, stubs for id (prints UID), dpkg and apt-get (logs its
# arguments; `install` puts an mvn into the stub directory, as the package would).
expect_install() {
  local uid="$1"
  new_case "doctor.sh --install maven as uid $uid, mvn hidden, apt-get stubbed"
  local case_dir="$CASE_DIR" failures_before="$CASE_FAILURES"
  mkdir -p "$case_dir/stub"
  local path
  path="$(shadow_path "$case_dir/path" mvn apt-get id dpkg)"
  printf '#!/bin/sh\necho %s\n' "$uid" > "$case_dir/stub/id"
  printf '#!/bin/sh\necho amd64\n' > "$case_dir/stub/dpkg"
  cat > "$case_dir/stub/apt-get" <<STUB
#!/bin/sh
echo "apt-get \$*" >> "$case_dir/apt.log"
case " \$* " in *" install "*) printf '#!/bin/sh\\necho "Apache Maven 3.9.9 (stub)"\\n' > "$case_dir/stub/mvn"; chmod +x "$case_dir/stub/mvn" ;; esac
STUB
  chmod +x "$case_dir/stub/"*
  local status=0
  env -u MAKEFLAGS -u ANTOM_AUTO_INSTALL PATH="$case_dir/stub:$path" DOCTOR_PLATFORM=apt \
    timeout 20 bash tests/setup/doctor.sh --install maven > "$case_dir/out" 2>&1 || status=$?
  sed 's/^/   | /' "$case_dir/out"
  if [ "$uid" = 0 ]; then
    [ "$status" -eq 0 ] || fail "exit $status: the installed mvn was not found on the second check"
    grep -qx 'apt-get install -y -qq --no-install-recommends maven' "$case_dir/apt.log" 2>/dev/null \
      || fail "apt-get was not asked to install maven (log: $(cat "$case_dir/apt.log" 2>/dev/null))"
    grep -q '^== installing the missing prerequisites as root: apt-get install maven$' "$case_dir/out" \
      || fail "no line says what is being installed"
  else
    [ "$status" -ne 0 ] || fail "exited 0 without mvn"
    [ ! -e "$case_dir/apt.log" ] || fail "apt-get was called without root: $(cat "$case_dir/apt.log")"
    [ "$(cat "$case_dir/out")" = "missing: Maven >= 3.6.3 (mvn): mvn not found; install: apt-get install maven" ] \
      || fail "the output is not the one line naming the command"
  fi
  [ "$failures" -ne "$failures_before" ] || echo "   ok: exit $status"
}
expect_install 0
expect_install 1000

# expect_listing UID: `doctor.sh --all maven` (what `make doctor` runs) with Maven hidden: as
# root with apt-get it is "to install" (make installs it first) and the listing exits 0, so a
# fresh machine's `make doctor` does not stop CI; without root it is missing and exits 1.
expect_listing() {
  local uid="$1"
  new_case "doctor.sh --all maven as uid $uid, mvn hidden, apt-get stubbed"
  local case_dir="$CASE_DIR" failures_before="$CASE_FAILURES"
  mkdir -p "$case_dir/stub"
  local path
  path="$(shadow_path "$case_dir/path" mvn apt-get id)"
  printf '#!/bin/sh\necho %s\n' "$uid" > "$case_dir/stub/id"
  printf '#!/bin/sh\necho "apt-get $*" >> "%s/apt.log"\n' "$case_dir" > "$case_dir/stub/apt-get"
  chmod +x "$case_dir/stub/"*
  local status=0
  env -u MAKEFLAGS -u ANTOM_AUTO_INSTALL PATH="$case_dir/stub:$path" DOCTOR_PLATFORM=apt \
    timeout 20 bash tests/setup/doctor.sh --all maven > "$case_dir/out" 2>&1 || status=$?
  sed 's/^/   | /' "$case_dir/out"
  [ ! -e "$case_dir/apt.log" ] || fail "make doctor installed something: $(cat "$case_dir/apt.log")"
  if [ "$uid" = 0 ]; then
    [ "$status" -eq 0 ] || fail "exit $status: what make installs itself stopped the listing"
    grep -q '^  to install: Maven >= 3.6.3 (mvn): mvn not found; make installs it first (root with apt-get: maven)$' \
      "$case_dir/out" || fail "no 'to install' line for Maven"
  else
    [ "$status" -ne 0 ] || fail "exited 0 with Maven missing and no root"
    grep -q '^  missing: Maven >= 3.6.3 (mvn): mvn not found; install: apt-get install maven$' "$case_dir/out" \
      || fail "no 'missing' line naming the command"
  fi
  [ "$failures" -ne "$failures_before" ] || echo "   ok: exit $status"
}
expect_listing 0
expect_listing 1000

if [ "$failures" -gt 0 ] || [ "$ran" -ne 8 ]; then
  echo "test-doctor: $failures failure(s) in $ran case(s)" >&2
  exit 1
fi
echo "test-doctor: $ran cases: each hidden prerequisite stopped make in seconds with its one-line message; the installing path installs as root and names the command otherwise; make doctor lists what make installs itself as "to install""
