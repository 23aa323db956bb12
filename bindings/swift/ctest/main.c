/*
 * Calls libantom_ffi through the Swift package's generated C header (AntomCoreFFI.h), the
 * exact ABI the generated Swift uses: strings go in as RustBuffers made by
 * ffi_antom_ffi_rustbuffer_from_bytes (ownership passes to Rust), come back as RustBuffers
 * freed with ffi_antom_ffi_rustbuffer_free; every call reports through a RustCallStatus whose
 * errorBuf holds the serialised AntomError (i32 big-endian variant index, 1-based, then the
 * message as i32 length + UTF-8). Object methods consume a handle: pass a clone.
 *
 * Usage: ctest <cases.tsv from cases.py> <tests/vectors dir>   prints "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L /* getline, strdup */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "AntomCoreFFI.h"

/* AntomError's variants in declaration order (bindings/antom-ffi/src/lib.rs): index 1.. */
static const char *const ERROR_CODES[] = {
    "?", "INVALID_KEY", "INVALID_INPUT", "MALFORMED_SIGNATURE", "UNSUPPORTED_ALGORITHM",
    "SIGNATURE_MISMATCH", "MISSING_HEADER", "CLIENT_ID_MISMATCH", "UNSIGNED_RESPONSE",
    "INVALID_AMOUNT", "UNSUPPORTED_CURRENCY", "SIGNING_FAILED",
};
#define N_CODES (sizeof ERROR_CODES / sizeof ERROR_CODES[0])

static const char *vectors_dir;
static int passed, failed;

/* A heap string with its length (bodies may contain NUL-free UTF-8 only, but keep lengths). */
typedef struct { char *data; size_t len; } Str;

static void die(const char *what) { fprintf(stderr, "ctest: %s\n", what); exit(2); }

static Str unhex(const char *hex, size_t n) {
    Str s = { malloc(n / 2 + 1), n / 2 };
    if (!s.data) die("out of memory");
    for (size_t i = 0; i < s.len; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) die("bad hex in cases file");
        s.data[i] = (char)v;
    }
    s.data[s.len] = '\0';
    return s;
}

static RustCallStatus status_new(void) {
    RustCallStatus st;
    memset(&st, 0, sizeof st);
    return st;
}

static RustBuffer lower(Str s) {
    RustCallStatus st = status_new();
    ForeignBytes bytes = { (int32_t)s.len, (const uint8_t *)s.data };
    RustBuffer buf = ffi_antom_ffi_rustbuffer_from_bytes(bytes, &st);
    if (st.code != 0) die("rustbuffer_from_bytes failed");
    return buf;
}

/* Takes ownership of a returned string RustBuffer. */
static Str lift(RustBuffer buf) {
    Str s = { malloc(buf.len + 1), (size_t)buf.len };
    if (!s.data) die("out of memory");
    if (buf.len) memcpy(s.data, buf.data, buf.len);
    s.data[s.len] = '\0';
    RustCallStatus st = status_new();
    ffi_antom_ffi_rustbuffer_free(buf, &st);
    return s;
}

static uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* The outcome of a call: its value, or its error code ("INVALID_KEY", ...), or "PANIC". */
static Str outcome(RustCallStatus *st, Str value) {
    if (st->code == 0) return value;
    if (st->code != 1) {
        Str p = { strdup("PANIC"), 5 };
        return p;
    }
    Str err = lift(st->errorBuf);
    const char *code = "?";
    if (err.len >= 8) {
        uint32_t index = be32((const uint8_t *)err.data);
        uint32_t mlen = be32((const uint8_t *)err.data + 4);
        if (index < N_CODES) code = ERROR_CODES[index];
        /* The message is "CODE: what to fix": it must agree with the variant. */
        size_t clen = strlen(code);
        if (mlen < clen + 1 || 8 + (size_t)mlen > err.len || memcmp(err.data + 8, code, clen) != 0 || err.data[8 + clen] != ':')
            code = "MESSAGE_DOES_NOT_MATCH_VARIANT";
    }
    free(err.data);
    Str c = { strdup(code), strlen(code) };
    return c;
}

static Str read_vector_file(Str rel) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", vectors_dir, rel.data);
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open a key file");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    Str s = { malloc((size_t)n + 1), (size_t)n };
    if (!s.data || fread(s.data, 1, (size_t)n, f) != (size_t)n) die("cannot read a key file");
    s.data[n] = '\0';
    fclose(f);
    return s;
}

static void report(const char *op, const char *id, Str got, Str want) {
    if (got.len == want.len && memcmp(got.data, want.data, got.len) == 0) {
        passed++;
    } else {
        failed++;
        /* Print at most the start of each side: values are public test data, never real keys. */
        fprintf(stderr, "FAIL %s %s: got %.80s, want %.80s\n", op, id, got.data, want.data);
    }
}

static Str strv(const char *s) { Str r = { strdup(s), strlen(s) }; return r; }

static void run(const char *op, const char *id, Str *f, int n) {
    RustCallStatus st = status_new();
    Str got = { NULL, 0 }, want = f[n - 1];
    if (strcmp(op, "content") == 0 && n == 6) {
        RustBuffer r = uniffi_antom_ffi_fn_func_content_to_sign(lower(f[0]), lower(f[1]), lower(f[2]), lower(f[3]), lower(f[4]), &st);
        got = outcome(&st, st.code == 0 ? lift(r) : strv(""));
    } else if (strcmp(op, "sign") == 0 && n == 3) {
        Str key_text = read_vector_file(f[0]);
        uint64_t key = uniffi_antom_ffi_fn_constructor_privatekey_new(lower(key_text), &st);
        free(key_text.data);
        if (st.code != 0) {
            got = outcome(&st, strv(""));
        } else {
            uint64_t clone = uniffi_antom_ffi_fn_clone_privatekey(key, &st);
            RustBuffer r = uniffi_antom_ffi_fn_method_privatekey_sign(clone, lower(f[1]), &st);
            got = outcome(&st, st.code == 0 ? lift(r) : strv(""));
            RustCallStatus free_st = status_new();
            uniffi_antom_ffi_fn_free_privatekey(key, &free_st);
        }
    } else if (strcmp(op, "verify") == 0 && n == 4) {
        Str key_text = read_vector_file(f[0]);
        uint64_t key = uniffi_antom_ffi_fn_constructor_publickey_new(lower(key_text), &st);
        free(key_text.data);
        if (st.code != 0) {
            got = outcome(&st, strv(""));
        } else {
            uint64_t clone = uniffi_antom_ffi_fn_clone_publickey(key, &st);
            int8_t valid = uniffi_antom_ffi_fn_method_publickey_verify(clone, lower(f[1]), lower(f[2]), &st);
            got = outcome(&st, strv(valid ? "true" : "false"));
            RustCallStatus free_st = status_new();
            uniffi_antom_ffi_fn_free_publickey(key, &free_st);
        }
    } else if ((strcmp(op, "to") == 0 || strcmp(op, "from") == 0) && n == 3) {
        RustBuffer r = op[0] == 't'
            ? uniffi_antom_ffi_fn_func_to_minor_units(lower(f[0]), lower(f[1]), &st)
            : uniffi_antom_ffi_fn_func_from_minor_units(lower(f[0]), lower(f[1]), &st);
        got = outcome(&st, st.code == 0 ? lift(r) : strv(""));
    } else if (strcmp(op, "pubkey") == 0 && n == 3) {
        int private_key = strcmp(f[0].data, "private") == 0;
        uint64_t key = private_key ? uniffi_antom_ffi_fn_constructor_privatekey_new(lower(f[1]), &st)
                                   : uniffi_antom_ffi_fn_constructor_publickey_new(lower(f[1]), &st);
        if (st.code != 0) {
            got = outcome(&st, strv(""));
        } else {
            uint64_t public_key = key;
            if (private_key) {
                public_key = uniffi_antom_ffi_fn_method_privatekey_public_key(uniffi_antom_ffi_fn_clone_privatekey(key, &st), &st);
                RustCallStatus free_st = status_new();
                uniffi_antom_ffi_fn_free_privatekey(key, &free_st);
            }
            RustBuffer r = uniffi_antom_ffi_fn_method_publickey_to_base64(uniffi_antom_ffi_fn_clone_publickey(public_key, &st), &st);
            got = outcome(&st, st.code == 0 ? lift(r) : strv(""));
            RustCallStatus free_st = status_new();
            uniffi_antom_ffi_fn_free_publickey(public_key, &free_st);
        }
    } else {
        die("unknown operation in cases file");
    }
    report(op, id, got, want);
    free(got.data);
}

int main(int argc, char **argv) {
    if (argc != 3) die("usage: ctest <cases.tsv> <vectors dir>");
    vectors_dir = argv[2];
    /* The header and the library must speak the same uniffi contract. */
    if (ffi_antom_ffi_uniffi_contract_version() != 30) die("uniffi contract version mismatch");

    FILE *in = fopen(argv[1], "r");
    if (!in) die("cannot open the cases file");
    size_t cap = 0;
    char *line = NULL;
    ssize_t n;
    while ((n = getline(&line, &cap, in)) > 0) {
        if (line[n - 1] == '\n') line[--n] = '\0';
        char *fields[8];
        int count = 0;
        /* Split on tabs by hand: empty fields (an empty body, an empty signature) are data. */
        for (char *p = line; count < 8;) {
            fields[count++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = '\0';
            p = tab + 1;
        }
        if (count < 3) die("short line in cases file");
        Str values[6];
        int nv = count - 2;
        if (nv > 6) die("long line in cases file");
        for (int i = 0; i < nv; i++) values[i] = unhex(fields[i + 2], strlen(fields[i + 2]));
        run(fields[0], fields[1], values, nv);
        for (int i = 0; i < nv; i++) free(values[i].data);
    }
    free(line);
    fclose(in);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
