/*
 * Issue 9 through the Swift package's C header (AntomCoreFFI.h), the ABI the generated Swift
 * uses: the body-size check from a length alone (check_body_size, worded as the client's own
 * refusal), max_body_bytes on a client, next_action INQUIRE for an unsigned F, the core's
 * redaction rule (redact_header, describe_body) and the engine name. Records and enums are
 * serialised as uniffi does: big-endian integers, i32-length strings and byte arrays, 1-based
 * i32 enum variant indexes, an i8 tag before an Option, an object as its u64 handle.
 *
 * Usage: glue <tests/vectors dir>   prints "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "AntomCoreFFI.h"

static int passed, failed;

static void die(const char *what) { fprintf(stderr, "glue: %s\n", what); exit(2); }

static void check(int ok, const char *what) {
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s\n", what);
    }
}

static RustCallStatus status_new(void) {
    RustCallStatus st;
    memset(&st, 0, sizeof st);
    return st;
}

/* A growable byte buffer for serialising arguments. */
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
static void put_str(Buf *b, const char *s, size_t n) { put_u32(b, (uint32_t)n); put(b, s, n); }

/* Hands the bytes to Rust as a RustBuffer (ownership passes with the call it is given to). */
static RustBuffer lower(const void *data, size_t len) {
    RustCallStatus st = status_new();
    ForeignBytes bytes = { (int32_t)len, (const uint8_t *)data };
    RustBuffer buf = ffi_antom_ffi_rustbuffer_from_bytes(bytes, &st);
    if (st.code != 0) die("rustbuffer_from_bytes failed");
    return buf;
}
static RustBuffer lower_buf(Buf *b) { RustBuffer r = lower(b->data, b->len); free(b->data); memset(b, 0, sizeof *b); return r; }
static RustBuffer lower_text(const char *s) { return lower(s, strlen(s)); }
static RustBuffer lower_bytes(const char *s, size_t n) { Buf b = {0}; put_str(&b, s, n); return lower_buf(&b); }
static RustBuffer lower_body_kind(int32_t variant) { Buf b = {0}; put_u32(&b, (uint32_t)variant); return lower_buf(&b); }

/* A returned string, as a NUL-terminated heap copy; the RustBuffer is freed. */
static char *lift_text(RustBuffer buf) {
    char *s = malloc(buf.len + 1);
    if (!s) die("out of memory");
    if (buf.len) memcpy(s, buf.data, buf.len);
    s[buf.len] = '\0';
    RustCallStatus st = status_new();
    ffi_antom_ffi_rustbuffer_free(buf, &st);
    return s;
}

static uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* An AntomError from a failed call: "<variant index>|<message>" (heap), or NULL on success. */
static char *error_of(RustCallStatus *st) {
    if (st->code == 0) return NULL;
    if (st->code != 1) return strdup("PANIC");
    RustBuffer buf = st->errorBuf;
    char *out = NULL;
    if (buf.len >= 8) {
        uint32_t index = be32(buf.data), mlen = be32(buf.data + 4);
        if (8 + (uint64_t)mlen <= buf.len) {
            out = malloc(mlen + 16);
            if (!out) die("out of memory");
            int n = snprintf(out, 16, "%u|", index);
            memcpy(out + n, buf.data + 8, mlen);
            out[n + mlen] = '\0';
        }
    }
    RustCallStatus free_st = status_new();
    ffi_antom_ffi_rustbuffer_free(buf, &free_st);
    return out ? out : strdup("?");
}

static char *read_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) die("cannot open a key file");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) die("cannot read a key file");
    s[n] = '\0';
    fclose(f);
    return s;
}

/* BodyKind variants (bindings/antom-ffi/src/lib.rs), 1-based. */
enum { REQUEST = 1, RESPONSE = 2, NOTIFICATION = 3 };
/* AntomError::InvalidInput is the second variant. */
#define INVALID_INPUT "2|INVALID_INPUT: "

int main(int argc, char **argv) {
    if (argc != 2) die("usage: glue <vectors dir>");
    if (ffi_antom_ffi_uniffi_contract_version() != 30) die("uniffi contract version mismatch");
    RustCallStatus st = status_new();

    /* The engine and the default limit. */
    char *engine = lift_text(uniffi_antom_ffi_fn_func_engine(&st));
    check(st.code == 0 && strcmp(engine, "aws-lc") == 0, "engine() is aws-lc");
    free(engine);
    uint64_t def = uniffi_antom_ffi_fn_func_default_max_body_bytes(&st);
    check(st.code == 0 && def == 4u * 1024 * 1024, "default_max_body_bytes() is 4 MiB");

    /* The redaction rule. */
    char *shown = lift_text(uniffi_antom_ffi_fn_func_redact_header(lower_text("AUTHORIZATION"), lower_text("Bearer isak_TEST_a_SECRET"), &st));
    check(st.code == 0 && strcmp(shown, "<redacted>") == 0, "redact_header(Authorization)");
    free(shown);
    shown = lift_text(uniffi_antom_ffi_fn_func_redact_header(lower_text("agent-token"), lower_text("t"), &st));
    check(st.code == 0 && strcmp(shown, "<redacted>") == 0, "redact_header(Agent-Token)");
    free(shown);
    shown = lift_text(uniffi_antom_ffi_fn_func_redact_header(lower_text("Client-Id"), lower_text("SANDBOX_1"), &st));
    check(st.code == 0 && strcmp(shown, "SANDBOX_1") == 0, "redact_header(Client-Id) shows the value");
    free(shown);
    shown = lift_text(uniffi_antom_ffi_fn_func_describe_body(lower_bytes("{\"card\":\"4111\"}", 15), &st));
    check(st.code == 0 && strcmp(shown, "<15 bytes>") == 0, "describe_body is <15 bytes>");
    free(shown);

    /* check_body_size from the length alone. */
    uniffi_antom_ffi_fn_func_check_body_size(lower_body_kind(RESPONSE), 8, 8, &st);
    check(st.code == 0, "check_body_size at the limit passes");
    st = status_new();
    uniffi_antom_ffi_fn_func_check_body_size(lower_body_kind(RESPONSE), (uint64_t)1 << 40, 8, &st);
    char *huge = error_of(&st);
    const char *want = INVALID_INPUT "the response body is 1099511627776 bytes; at most 8 are accepted";
    check(huge && strncmp(huge, want, strlen(want)) == 0, "check_body_size refuses 1 TiB without a byte of it");
    free(huge);

    /* A verify-only client with max_body_bytes = 8. */
    char *antom_text = read_file(argv[1], "keys/TEST-ONLY-antom.public.spki.b64");
    st = status_new();
    uint64_t antom = uniffi_antom_ffi_fn_constructor_publickey_new(lower_text(antom_text), &st);
    free(antom_text);
    if (st.code != 0) die("the Antom test key does not parse");
    Buf config = {0};
    const char *client_id = "SANDBOX_5X00000000000000";
    put_str(&config, client_id, strlen(client_id));
    put_u32(&config, 3);                                    /* Credential::VerifyOnly */
    put_u64(&config, uniffi_antom_ffi_fn_clone_publickey(antom, &st));
    for (int i = 0; i < 5; i++) put_i8(&config, 0);         /* region .. agent_token: None */
    put_i8(&config, 1);
    put_u64(&config, 8);                                    /* max_body_bytes: Some(8) */
    uint64_t client = uniffi_antom_ffi_fn_constructor_client_new(lower_buf(&config), &st);
    if (st.code != 0) {
        char *e = error_of(&st);
        fprintf(stderr, "glue: Client::new: %s\n", e ? e : "?");
        die("Client::new failed");
    }
    uint64_t max = uniffi_antom_ffi_fn_method_client_max_body_bytes(uniffi_antom_ffi_fn_clone_client(client, &st), &st);
    check(st.code == 0 && max == 8, "client.max_body_bytes() is the configured 8");

    /* Over the limit: the client's refusal is exactly check_body_size's. */
    const char *path = "/ams/sandbox/api/v1/payments/pay";
    Buf no_headers = {0};
    put_u32(&no_headers, 0);
    const char *nine = "{\"ab\":12}";
    st = status_new();
    RustBuffer r = uniffi_antom_ffi_fn_method_client_verify_response(uniffi_antom_ffi_fn_clone_client(client, &st),
        lower_text(path), lower_buf(&no_headers), lower_bytes(nine, 9), &st);
    (void)r;
    char *from_client = error_of(&st);
    st = status_new();
    uniffi_antom_ffi_fn_func_check_body_size(lower_body_kind(RESPONSE), 9, 8, &st);
    char *from_length = error_of(&st);
    check(from_client && from_length && strncmp(from_client, INVALID_INPUT, strlen(INVALID_INPUT)) == 0 &&
          strcmp(from_client, from_length) == 0, "check_body_size words its error as the client does");
    free(from_client);
    free(from_length);

    /* An unsigned F: accepted, unverified, next action INQUIRE (the core's decision). */
    Buf headers = {0};
    put_u32(&headers, 1);
    put_str(&headers, "content-type", 12);
    put_str(&headers, "application/json", 16);
    const char *f = "{\"result\":{\"resultStatus\":\"F\"}}";
    /* 8 bytes is too small for this body: a client with the default limit. */
    st = status_new();
    Buf config2 = {0};
    put_str(&config2, client_id, strlen(client_id));
    put_u32(&config2, 3);
    put_u64(&config2, uniffi_antom_ffi_fn_clone_publickey(antom, &st));
    for (int i = 0; i < 6; i++) put_i8(&config2, 0);
    uint64_t client2 = uniffi_antom_ffi_fn_constructor_client_new(lower_buf(&config2), &st);
    if (st.code != 0) {
        char *e = error_of(&st);
        fprintf(stderr, "glue: Client::new: %s\n", e ? e : "?");
        die("Client::new failed");
    }
    st = status_new();
    r = uniffi_antom_ffi_fn_method_client_verify_response(uniffi_antom_ffi_fn_clone_client(client2, &st),
        lower_text(path), lower_buf(&headers), lower_bytes(f, strlen(f)), &st);
    if (st.code == 0) {
        /* verified: i8; result_status: i32; result_code, result_message: strings;
           next_action: i32; is_success: i8; body: bytes. */
        const uint8_t *p = r.data;
        int verified = p[0];
        uint32_t status = be32(p + 1);
        uint32_t code_len = be32(p + 5);
        uint32_t message_len = be32(p + 9 + code_len);
        uint32_t next = be32(p + 13 + code_len + message_len);
        int success = p[17 + code_len + message_len];
        check(!verified && status == 2 && next == 3 && !success, "an unsigned F: verified=false, status F, next action INQUIRE");
        RustCallStatus free_st = status_new();
        ffi_antom_ffi_rustbuffer_free(r, &free_st);
    } else {
        char *e = error_of(&st);
        fprintf(stderr, "verify_response: %s\n", e ? e : "?");
        free(e);
        check(0, "an unsigned F is accepted");
    }

    RustCallStatus free_st = status_new();
    uniffi_antom_ffi_fn_free_client(client, &free_st);
    uniffi_antom_ffi_fn_free_client(client2, &free_st);
    uniffi_antom_ffi_fn_free_publickey(antom, &free_st);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
