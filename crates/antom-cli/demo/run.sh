#!/usr/bin/env bash
# `make demo`: start the local Antom simulator, then run the same merchant flow with the Rust
# core, the Node.js package (installed from its packed tarball) and the Python wheel (installed
# into a fresh virtualenv): pay → verify → buyer pays → verified notifyPayment → ack →
# inquiryPayment → refund. Exits non-zero if any flow fails.
#
# With ANTOM_CLIENT_ID, ANTOM_PRIVATE_KEY and ANTOM_PUBLIC_KEY set (key text, as the Dashboard
# shows it; optional ANTOM_GATEWAY_URL, ANTOM_NOTIFY_URL), no simulator is started and the same
# client code talks to the real Antom sandbox.
#
# Environment: DEMO_FLOWS (default "rust node python"), ANTOM_BIN, DEMO_WHEEL_DIR,
# DEMO_FLOW_TIMEOUT (seconds per flow, default 120).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
ANTOM="${ANTOM_BIN:-$ROOT/target/debug/antom}"
FLOWS="${DEMO_FLOWS:-rust node python}"
WHEEL_DIR="${DEMO_WHEEL_DIR:-$ROOT/.cache/python-dist-demo}"
FLOW_TIMEOUT="${DEMO_FLOW_TIMEOUT:-120}"
KEYS="$ROOT/tests/vectors/keys"

work="$(mktemp -d "${TMPDIR:-/tmp}/antom-demo.XXXXXX")"
mock_pid=""
prepare_pid_node=""; prepare_pid_python=""
cleanup() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; fi
  for pid in $prepare_pid_node $prepare_pid_python; do
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

log_offset=0
show_simulator_log() {
  [ -f "$work/mock.log" ] || return 0
  local total
  total=$(wc -l < "$work/mock.log")
  if [ "$total" -gt "$log_offset" ]; then
    echo "  What the simulator saw:"
    tail -n "+$((log_offset + 1))" "$work/mock.log" | sed 's/^\[antom mock\] /    /'
  fi
  log_offset=$total
}

if [ -n "${ANTOM_CLIENT_ID:-}" ] && [ -n "${ANTOM_PRIVATE_KEY:-}" ] && [ -n "${ANTOM_PUBLIC_KEY:-}" ]; then
  echo "== Using your Antom credentials (ANTOM_CLIENT_ID=$ANTOM_CLIENT_ID): no simulator."
else
  [ -x "$ANTOM" ] || { echo "missing $ANTOM: run \`cargo build -p antom-cli\` (make demo does)" >&2; exit 1; }
  echo "== Starting the Antom simulator (antom mock) on 127.0.0.1"
  "$ANTOM" mock --port 0 \
    --merchant-public-key "$KEYS/TEST-ONLY-merchant.public.spki.b64" \
    --write-public-key "$work/antom.pub" \
    --time-scale 60 > "$work/mock.log" 2>&1 &
  mock_pid=$!
  gateway=""
  for _ in $(seq 1 100); do
    gateway="$(sed -n 's/^antom mock: listening on //p' "$work/mock.log" 2>/dev/null | head -n 1)"
    [ -n "$gateway" ] && [ -s "$work/antom.pub" ] && break
    kill -0 "$mock_pid" 2>/dev/null || { cat "$work/mock.log" >&2; echo "the simulator did not start" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$gateway" ] || { echo "the simulator did not print its address within 10 s" >&2; exit 1; }
  sed -n '1,8p' "$work/mock.log" | sed 's/^/   /'
  log_offset=$(wc -l < "$work/mock.log")
  echo "   The merchant uses the throw-away test key tests/vectors/keys/TEST-ONLY-merchant.*"
  export ANTOM_CLIENT_ID="SANDBOX_5X00000000000000"
  ANTOM_PRIVATE_KEY="$(cat "$KEYS/TEST-ONLY-merchant.private.pkcs8.b64")"
  ANTOM_PUBLIC_KEY="$(cat "$work/antom.pub")"
  export ANTOM_PRIVATE_KEY ANTOM_PUBLIC_KEY
  export ANTOM_GATEWAY_URL="$gateway"
fi

passed=()
failed=()
skipped=()

# The Node app and the Python virtualenv are installed in the background while the flows before
# them run (a few seconds each, mostly waiting on npm and pip); `ready NAME` waits for one and
# shows its output only if it failed.
prepare_node() {
  local app="$work/node-app" tarball
  mkdir -p "$app"
  tarball="$(cd "$ROOT/npm" && npm pack --silent --pack-destination "$work" | tail -n 1)"
  printf '{"name":"antom-demo-merchant","private":true,"type":"module"}\n' > "$app/package.json"
  (cd "$app" && npm install --no-audit --no-fund --ignore-scripts --no-package-lock \
    --loglevel=error "$work/$tarball" > /dev/null)
  cp "$ROOT/npm/examples/merchant.mjs" "$app/"
}
prepare_python() {
  python3 -m venv "$work/venv"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$work/venv/bin/pip" install --quiet --no-index --no-deps "$1"
}
case " $FLOWS " in *" node "*)
  if command -v node > /dev/null && command -v npm > /dev/null && [ -f "$ROOT/npm/dist/antom_wasm_bg.wasm" ]; then
    prepare_node > "$work/prepare-node.log" 2>&1 &
    prepare_pid_node=$!
  fi ;;
esac
case " $FLOWS " in *" python "*)
  demo_wheel="$(ls "$WHEEL_DIR"/antom_core-*.whl 2>/dev/null | head -n 1 || true)"
  if [ -n "$demo_wheel" ]; then
    prepare_python "$demo_wheel" > "$work/prepare-python.log" 2>&1 &
    prepare_pid_python=$!
  fi ;;
esac
ready() { # node | python
  local pid
  eval "pid=\$prepare_pid_$1"
  [ -n "$pid" ] || return 1
  if wait "$pid"; then return 0; fi
  sed 's/^/   | /' "$work/prepare-$1.log"
  return 1
}
run_flow() { # name, command...
  local name="$1"; shift
  echo
  if timeout "$FLOW_TIMEOUT" "$@"; then
    passed+=("$name")
  else
    echo "  $name flow FAILED (exit $?)"
    failed+=("$name")
  fi
  show_simulator_log
}

for flow in $FLOWS; do
  case "$flow" in
    rust)
      example="$ROOT/target/debug/examples/merchant_flow"
      if [ -z "$mock_pid" ]; then
        echo
        echo "== Rust: not run against the real sandbox (the example's HTTP client is loopback-only)"
      elif [ -x "$example" ]; then
        echo "== Rust (crates/antom-core)"
        run_flow rust "$example"
      else
        skipped+=("rust (build it: cargo build -p antom-cli --example merchant_flow)")
      fi
      ;;
    node)
      if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
        skipped+=("node (node/npm not installed)")
      elif [ ! -f "$ROOT/npm/dist/antom_wasm_bg.wasm" ]; then
        skipped+=("node (npm/dist is not built: make npm-build)")
      else
        echo "== Node.js (npm package antom-core, installed from its packed tarball)"
        app="$work/node-app"
        if ready node; then
          run_flow node node "$app/merchant.mjs"
        else
          failed+=("node (installing the packed tarball failed)")
        fi
      fi
      ;;
    python)
      wheel="$(ls "$WHEEL_DIR"/antom_core-*.whl 2>/dev/null | head -n 1 || true)"
      if [ -z "$wheel" ]; then
        skipped+=("python (no wheel in $WHEEL_DIR: make python-wheel-demo)")
      else
        echo "== Python (wheel $(basename "$wheel"), installed into a fresh virtualenv)"
        if ready python; then
          run_flow python "$work/venv/bin/python" -I "$ROOT/python/examples/merchant.py"
        else
          failed+=("python (installing the wheel failed)")
        fi
      fi
      ;;
    *) echo "unknown flow $flow (use rust, node, python)" >&2; exit 2 ;;
  esac
done

echo
echo "== Summary"
[ ${#passed[@]} -gt 0 ] && echo "   passed:  ${passed[*]}"
[ ${#failed[@]} -gt 0 ] && echo "   FAILED:  ${failed[*]}"
for s in "${skipped[@]+"${skipped[@]}"}"; do echo "   skipped: $s"; done
if [ ${#failed[@]} -gt 0 ] || [ ${#passed[@]} -eq 0 ]; then exit 1; fi
if [ ${#skipped[@]} -gt 0 ] && [ -n "${DEMO_REQUIRE_ALL:-}" ]; then exit 1; fi
echo "   Every flow verified every signed response and notification."
