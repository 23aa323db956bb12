// Tests only: SHA-256 and an RSA signer from the system's libcrypto (OpenSSL; Debian:
// libssl-dev), for the vectors that pin a 1 MiB content by its digest and for the external
// signer test (OpenSSL stands in for a KMS). A system-library target, not a package fetched
// by URL (SwiftPM can fetch nothing on our machines).
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
