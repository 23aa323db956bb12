#!/usr/bin/env bash
# `make demo-kms`: a payment signed by a key that never enters the process. moto's AWS KMS mock
# (moto_server on 127.0.0.1) holds an RSA_2048 SIGN_VERIFY key; its public half (GetPublicKey)
# is registered with the local Antom simulator as the merchant key; kms_signer.py prepares a
# `pay` request that KMS signs, sends it to the simulator, and verifies the answer.
#
# Against real AWS KMS and the Antom sandbox, run kms_signer.py itself (see its docstring).
# Environment: PYTHON (a Python with boto3 and antom_core), ANTOM_BIN (the `antom` binary).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:?PYTHON must name a Python with boto3 and antom_core (make demo-kms sets it)}"
ANTOM="${ANTOM_BIN:-$ROOT/target/debug/antom}"
MOTO="$(dirname "$PYTHON")/moto_server"
work="$(mktemp -d "${TMPDIR:-/tmp}/antom-kms-demo.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

port="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$MOTO" -H 127.0.0.1 -p "$port" > "$work/moto.log" 2>&1 &
pids+=($!)
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  "$PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null && break
  sleep 0.1
done

echo "== AWS KMS (moto on $AWS_ENDPOINT_URL): creating an RSA_2048 SIGN_VERIFY key"
key_id="$("$PYTHON" - "$work/merchant.pub" <<'PY'
import base64, sys
import boto3
kms = boto3.client("kms")
key = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048", Description="antom-core demo")
key_id = key["KeyMetadata"]["KeyId"]
der = kms.get_public_key(KeyId=key_id)["PublicKey"]
open(sys.argv[1], "w").write(base64.b64encode(der).decode() + "\n")
print(key_id)
PY
)"
echo "   key $key_id; its public key is registered with the simulator as the merchant key"

"$ANTOM" mock --port 0 --merchant-public-key "$work/merchant.pub" \
  --write-public-key "$work/antom.pub" > "$work/mock.log" 2>&1 &
pids+=($!)
gateway=""
for _ in $(seq 1 100); do
  gateway="$(sed -n 's/^antom mock: listening on //p' "$work/mock.log" | head -n 1)"
  [ -n "$gateway" ] && [ -s "$work/antom.pub" ] && break
  sleep 0.1
done
[ -n "$gateway" ] || { cat "$work/mock.log" >&2; echo "the simulator did not start" >&2; exit 1; }
echo "== Antom simulator on $gateway"

# RAW: moto 5.2.5 signs MessageType=RAW correctly but mishandles DIGEST (real KMS does both;
# DIGEST is the example's default). A wrong signature would stop here with SIGNING_FAILED.
ANTOM_CLIENT_ID="SANDBOX_5X00000000000000" ANTOM_PUBLIC_KEY="$(cat "$work/antom.pub")" \
  ANTOM_KMS_KEY_ID="$key_id" ANTOM_GATEWAY_URL="$gateway" ANTOM_KMS_MESSAGE_TYPE=RAW \
  "$PYTHON" "$ROOT/python/examples/kms_signer.py"
echo "   What the simulator saw:"
sed -n '1,$p' "$work/mock.log" | grep -v "^antom mock: listening" | sed 's/^/    /' | tail -n 5
