/*
 * External signers (issue 13) through the Swift package's C header (AntomCoreFFI.h), the ABI
 * the generated Swift uses: every case of tests/vectors/external_signer.json (from
 * `cases.py --external`): build a Credential::ExternalSigner client, Client::prepare_external
 * (step 1: the message and its SHA-256 digest, compared with the vector's), then
 * Client::finish_external with the vector's signature (made by the generator with OpenSSL):
 * the request, rendered and compared, or SIGNING_FAILED. Records and enums are serialised as
 * uniffi does (see glue.c). Asserts it ran exactly the manifest's count of cases.
 *
 * Usage: external <external.tsv>   prints "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "AntomCoreFFI.h"

static const char *const ERROR_CODES[] = {
    "?", "INVALID_KEY", "INVALID_INPUT", "MALFORMED_SIGNATURE", "UNSUPPORTED_ALGORITHM",
    "SIGNATURE_MISMATCH", "MISSING_HEADER", "CLIENT_ID_MISMATCH", "UNSIGNED_RESPONSE",
    "INVALID_AMOUNT", "UNSUPPORTED_CURRENCY", "SIGNING_FAILED",
};
#define N_CODES (sizeof ERROR_CODES / sizeof ERROR_CODES[0])
/* Credential variants (bindings/antom-ffi/src/lib.rs), 1-based. */
enum { CREDENTIAL_EXTERNAL_SIGNER = 4 };

static int passed, failed;

static void die(const char *what) { fprintf(stderr, "external: %s\n", what); exit(2); }

static RustCallStatus status_new(void) {
    RustCallStatus st;
    memset(&st, 0, sizeof st);
    return st;
}

typedef struct { uint8_t *data; size_t len, cap; } Buf;

static void put(Buf *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->data = realloc(b->data, b->cap);
        if (!b->data) die("out of memory");
    }
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
}
static void put_i8(Buf *b, int8_t v) { put(b, &v, 1); }
static void put_u32(Buf *b, uint32_t v) {
    uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    put(b, x, 4);
}
static void put_u64(Buf *b, uint64_t v) { put_u32(b, (uint32_t)(v >> 32)); put_u32(b, (uint32_t)v); }
static void put_str(Buf *b, const void *s, size_t n) { put_u32(b, (uint32_t)n); put(b, s, n); }

static RustBuffer lower(const void *data, size_t len) {
    RustCallStatus st = status_new();
    ForeignBytes bytes = { (int32_t)len, (const uint8_t *)data };
    RustBuffer buf = ffi_antom_ffi_rustbuffer_from_bytes(bytes, &st);
    if (st.code != 0) die("rustbuffer_from_bytes failed");
    return buf;
}
static RustBuffer lower_buf(Buf *b) { RustBuffer r = lower(b->data, b->len); free(b->data); memset(b, 0, sizeof *b); return r; }
/* A Vec<u8> argument: i32 length, then the bytes. */
static RustBuffer lower_vec(const void *s, size_t n) { Buf b = {0}; put_str(&b, s, n); return lower_buf(&b); }

static uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* The error code of a failed call (static string), or NULL on success. */
static const char *error_code(RustCallStatus *st) {
    if (st->code == 0) return NULL;
    if (st->code != 1) return "PANIC";
    uint32_t index = st->errorBuf.len >= 4 ? be32(st->errorBuf.data) : 0;
    RustCallStatus free_st = status_new();
    ffi_antom_ffi_rustbuffer_free(st->errorBuf, &free_st);
    return index < N_CODES ? ERROR_CODES[index] : "?";
}

/* Decodes hex in place; returns the length. */
static size_t unhex(char *s) {
    size_t n = strlen(s) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) die("bad hex in the cases file");
        s[i] = (char)v;
    }
    s[n] = '\0';
    return n;
}

/* Reads a serialised i32-length string or byte array at *p, appending it to out. */
static void take(const uint8_t **p, const uint8_t *end, Buf *out) {
    if (end - *p < 4) die("short record");
    uint32_t n = be32(*p);
    *p += 4;
    if ((size_t)(end - *p) < n) die("short record");
    put(out, *p, n);
    *p += n;
}

#define N_FIELDS 15

static void run_case(char **f) {
    const char *id = f[0];
    char *expected = f[14];
    char what[256];
    snprintf(what, sizeof what, "external_signer.json#%s", id);
    RustCallStatus st = status_new();
    const char *code = NULL;

    /* The client: Credential::ExternalSigner with the merchant public key, or none. */
    uint64_t merchant = 0, antom = 0, client = 0;
    if (strcmp(f[2], "-") != 0) {
        size_t n = unhex(f[2]);
        merchant = uniffi_antom_ffi_fn_constructor_publickey_new(lower(f[2], n), &st);
        code = error_code(&st);
    }
    if (!code) {
        size_t n = unhex(f[3]);
        st = status_new();
        antom = uniffi_antom_ffi_fn_constructor_publickey_new(lower(f[3], n), &st);
        if (st.code != 0) die("the Antom test key does not parse");
        Buf config = {0};
        size_t id_len = unhex(f[1]);
        put_str(&config, f[1], id_len);
        put_u32(&config, CREDENTIAL_EXTERNAL_SIGNER);
        if (merchant) { put_i8(&config, 1); put_u64(&config, uniffi_antom_ffi_fn_clone_publickey(merchant, &st)); }
        else put_i8(&config, 0);
        put_u64(&config, uniffi_antom_ffi_fn_clone_publickey(antom, &st));
        /* region, environment: the serialised enum from the FFI's own parser. */
        for (int k = 4; k <= 5; k++) {
            if (strcmp(f[k], "-") == 0) { put_i8(&config, 0); continue; }
            size_t n = unhex(f[k]);
            st = status_new();
            RustBuffer parsed = k == 4 ? uniffi_antom_ffi_fn_func_parse_region(lower(f[k], n), &st)
                                       : uniffi_antom_ffi_fn_func_parse_environment(lower(f[k], n), &st);
            if (st.code != 0) die("region/environment does not parse");
            put_i8(&config, 1);
            put(&config, parsed.data, (size_t)parsed.len);
            RustCallStatus free_st = status_new();
            ffi_antom_ffi_rustbuffer_free(parsed, &free_st);
        }
        if (strcmp(f[6], "-") == 0) put_i8(&config, 0);
        else { size_t n = unhex(f[6]); put_i8(&config, 1); put_str(&config, f[6], n); }
        if (strcmp(f[7], "-") == 0) put_i8(&config, 0);
        else { unhex(f[7]); put_i8(&config, 1); put_u32(&config, (uint32_t)strtoul(f[7], NULL, 10)); }
        if (strcmp(f[8], "-") == 0) put_i8(&config, 0);
        else { size_t n = unhex(f[8]); put_i8(&config, 1); put_str(&config, f[8], n); }
        if (strcmp(f[9], "-") == 0) put_i8(&config, 0);
        else { unhex(f[9]); put_i8(&config, 1); put_u64(&config, strtoull(f[9], NULL, 10)); }
        st = status_new();
        client = uniffi_antom_ffi_fn_constructor_client_new(lower_buf(&config), &st);
        code = error_code(&st);
    }

    /* Step 1. */
    uint64_t pending = 0;
    if (!code) {
        size_t api_len = unhex(f[10]), body_len = unhex(f[11]);
        st = status_new();
        pending = uniffi_antom_ffi_fn_method_client_prepare_external(uniffi_antom_ffi_fn_clone_client(client, &st),
            lower(f[10], api_len), lower_vec(f[11], body_len), strtoull(f[12], NULL, 10), &st);
        code = error_code(&st);
    }
    if (code) {
        if (strncmp(expected, "E:", 2) == 0 && strcmp(expected + 2, code) == 0) passed++;
        else { failed++; fprintf(stderr, "FAIL %s: got %s, expected %.80s\n", what, code, expected); }
    } else if (strncmp(expected, "E:", 2) == 0) {
        failed++;
        fprintf(stderr, "FAIL %s: step 1 succeeded, expected %s\n", what, expected);
    } else {
        char *comma1 = strchr(expected, ','), *comma2 = comma1 ? strchr(comma1 + 1, ',') : NULL;
        if (!comma2) die("bad expectation");
        *comma1 = *comma2 = '\0';
        size_t message_len = unhex(expected);
        const char *digest_hex = comma1 + 1, *finish = comma2 + 1;
        int ok = 1;

        st = status_new();
        RustBuffer m = uniffi_antom_ffi_fn_method_signingrequest_message(uniffi_antom_ffi_fn_clone_signingrequest(pending, &st), &st);
        RustBuffer d = uniffi_antom_ffi_fn_method_signingrequest_digest(uniffi_antom_ffi_fn_clone_signingrequest(pending, &st), &st);
        if (st.code != 0) die("SigningRequest accessors failed");
        const uint8_t *p = m.data;
        Buf got = {0};
        take(&p, m.data + m.len, &got);
        if (got.len != message_len || memcmp(got.data, expected, message_len) != 0) {
            ok = 0;
            fprintf(stderr, "FAIL %s: the message differs\n", what);
        }
        free(got.data);
        memset(&got, 0, sizeof got);
        p = d.data;
        take(&p, d.data + d.len, &got);
        char hex[65] = {0};
        for (size_t i = 0; i < got.len && i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", got.data[i]);
        if (got.len != 32 || strcmp(hex, digest_hex) != 0) {
            ok = 0;
            fprintf(stderr, "FAIL %s: the digest differs\n", what);
        }
        free(got.data);
        RustCallStatus free_st = status_new();
        ffi_antom_ffi_rustbuffer_free(m, &free_st);
        ffi_antom_ffi_rustbuffer_free(d, &free_st);

        /* Step 2 with the vector's signature. */
        if (strcmp(f[13], "-") == 0) die("a case that passes step 1 carries a signature");
        size_t sig_len = unhex(f[13]);
        st = status_new();
        RustBuffer r = uniffi_antom_ffi_fn_method_client_finish_external(uniffi_antom_ffi_fn_clone_client(client, &st),
            uniffi_antom_ffi_fn_clone_signingrequest(pending, &st), lower_vec(f[13], sig_len), &st);
        const char *finish_code = error_code(&st);
        if (finish_code) {
            if (strncmp(finish, "E:", 2) != 0 || strcmp(finish + 2, finish_code) != 0) {
                ok = 0;
                fprintf(stderr, "FAIL %s: finish_external: %s, expected %.40s\n", what, finish_code, finish);
            }
        } else if (strncmp(finish, "E:", 2) == 0) {
            ok = 0;
            fprintf(stderr, "FAIL %s: finish_external succeeded, expected %s\n", what, finish);
            ffi_antom_ffi_rustbuffer_free(r, &free_st);
        } else {
            /* PreparedRequest: method, url, path, headers (i32 count, name, value), body. */
            const uint8_t *q = r.data, *end = r.data + r.len;
            Buf text = {0};
            for (int k = 0; k < 3; k++) { take(&q, end, &text); put(&text, "\n", 1); }
            if (end - q < 4) die("short record");
            uint32_t n = be32(q);
            q += 4;
            for (uint32_t h = 0; h < n; h++) {
                take(&q, end, &text);
                put(&text, ": ", 2);
                take(&q, end, &text);
                put(&text, "\n", 1);
            }
            put(&text, "\n", 1);
            take(&q, end, &text);
            char *want = strdup(finish);
            size_t want_len = unhex(want);
            if (text.len != want_len || memcmp(text.data, want, want_len) != 0) {
                ok = 0;
                fprintf(stderr, "FAIL %s: the finished request differs:\n%.*s\n", what, (int)text.len, text.data);
            }
            free(want);
            free(text.data);
            ffi_antom_ffi_rustbuffer_free(r, &free_st);
        }
        if (ok) passed++;
        else failed++;
    }

    RustCallStatus free_st = status_new();
    if (pending) uniffi_antom_ffi_fn_free_signingrequest(pending, &free_st);
    if (client) uniffi_antom_ffi_fn_free_client(client, &free_st);
    if (antom) uniffi_antom_ffi_fn_free_publickey(antom, &free_st);
    if (merchant) uniffi_antom_ffi_fn_free_publickey(merchant, &free_st);
}

int main(int argc, char **argv) {
    if (argc != 2) die("usage: external <external.tsv>");
    if (ffi_antom_ffi_uniffi_contract_version() != 30) die("uniffi contract version mismatch");
    FILE *in = fopen(argv[1], "r");
    if (!in) die("cannot open the cases file");
    char *line = NULL;
    size_t cap = 0;
    long want = -1, ran = 0;
    while (getline(&line, &cap, in) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "#count\t", 7) == 0) { want = strtol(line + 7, NULL, 10); continue; }
        char *f[N_FIELDS];
        int n = 0;
        for (char *at = line; n < N_FIELDS; n++) { /* empty fields kept: an empty signature is "" */
            f[n] = at;
            char *tab = strchr(at, '\t');
            if (!tab) { n++; break; }
            *tab = '\0';
            at = tab + 1;
        }
        if (n != N_FIELDS) die("a case line has the wrong number of fields");
        run_case(f);
        ran++;
    }
    free(line);
    fclose(in);
    if (ran != want) {
        fprintf(stderr, "FAIL external_signer.json: ran %ld cases, the manifest has %ld\n", ran, want);
        failed++;
    }
    printf("external_signer.json through the C header: %d passed, %d failed (%ld cases)\n", passed, failed, ran);
    return failed == 0 ? 0 : 1;
}
