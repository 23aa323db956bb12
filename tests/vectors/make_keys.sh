#!/usr/bin/env bash
# Generates the THROW-AWAY test keys used by the conformance vectors.
#
# Run ONCE; the outputs in keys/ are committed and are inputs to generate.py
# (every other encoding of these keys is derived from them by generate.py).
# These keys are public. Never use them for anything real.
#
# Refuses to overwrite existing keys: regenerating them would change every signature
# in the vectors.
set -euo pipefail

cd "$(dirname "$0")/keys"

OUTPUTS=(
  TEST-ONLY-merchant.private.pkcs8.b64 TEST-ONLY-merchant.public.spki.b64
  TEST-ONLY-antom.private.pkcs8.b64    TEST-ONLY-antom.public.spki.b64
  TEST-ONLY-other.private.pkcs8.b64    TEST-ONLY-other.public.spki.b64
  TEST-ONLY-rsa1024.private.pkcs8.b64  TEST-ONLY-rsa1024.public.spki.b64
  TEST-ONLY-rsa3072.private.pkcs8.b64  TEST-ONLY-rsa3072.public.spki.b64
  TEST-ONLY-rsa4096.private.pkcs8.b64  TEST-ONLY-rsa4096.public.spki.b64
  TEST-ONLY-rsa8192.private.pkcs8.b64  TEST-ONLY-rsa8192.public.spki.b64
  TEST-ONLY-ec-p256.private.pkcs8.b64  TEST-ONLY-ec-p256.public.spki.b64
  TEST-ONLY-merchant.private.encrypted-pkcs8.pem
  TEST-ONLY-merchant.private.legacy-encrypted-pkcs1.pem
)

for f in "${OUTPUTS[@]}"; do
  if [ -e "$f" ]; then
    echo "make_keys.sh: keys/$f already exists; refusing to overwrite the committed test keys." >&2
    echo "Delete keys/TEST-ONLY-* yourself if you really want new keys (then regenerate all vectors)." >&2
    exit 1
  fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# $1 = name, remaining = genpkey algorithm options
gen() {
  local name="$1"; shift
  openssl genpkey "$@" -out "$tmp/$name.pem" 2>/dev/null
  # PKCS#8 DER, unencrypted ("dashboard form" once base64-encoded on one line)
  openssl pkcs8 -topk8 -nocrypt -in "$tmp/$name.pem" -outform DER -out "$tmp/$name.p8.der"
  openssl pkey -in "$tmp/$name.pem" -pubout -outform DER -out "$tmp/$name.spki.der"
  base64 -w0 "$tmp/$name.p8.der"   > "TEST-ONLY-$name.private.pkcs8.b64";  echo >> "TEST-ONLY-$name.private.pkcs8.b64"
  base64 -w0 "$tmp/$name.spki.der" > "TEST-ONLY-$name.public.spki.b64";    echo >> "TEST-ONLY-$name.public.spki.b64"
}

gen merchant -algorithm RSA -pkeyopt rsa_keygen_bits:2048
gen antom    -algorithm RSA -pkeyopt rsa_keygen_bits:2048
gen other    -algorithm RSA -pkeyopt rsa_keygen_bits:2048
gen rsa1024  -algorithm RSA -pkeyopt rsa_keygen_bits:1024
gen rsa3072  -algorithm RSA -pkeyopt rsa_keygen_bits:3072
gen rsa4096  -algorithm RSA -pkeyopt rsa_keygen_bits:4096
gen rsa8192  -algorithm RSA -pkeyopt rsa_keygen_bits:8192
gen ec-p256  -algorithm EC  -pkeyopt ec_paramgen_curve:P-256

# Encrypted forms of the merchant key (password "test"); both must be rejected.
openssl pkcs8 -topk8 -in "$tmp/merchant.pem" -v2 aes-256-cbc -passout pass:test \
  -out TEST-ONLY-merchant.private.encrypted-pkcs8.pem
openssl rsa -in "$tmp/merchant.pem" -traditional -aes128 -passout pass:test \
  -out TEST-ONLY-merchant.private.legacy-encrypted-pkcs1.pem 2>/dev/null

chmod 644 TEST-ONLY-*
echo "wrote ${#OUTPUTS[@]} files to $(pwd)"
