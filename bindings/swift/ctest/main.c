/*
 * Calls libantom_ffi through the Swift package's generated C header (AntomCoreFFI.h), the
 * exact ABI the generated Swift uses: strings go in as RustBuffers made by
 * ffi_antom_ffi_rustbuffer_from_bytes (ownership passes to Rust), come back as RustBuffers
 * freed with ffi_antom_ffi_rustbuffer_free; every call reports through a RustCallStatus whose
 * errorBuf holds the serialised AntomError (i32 big-endian variant index, 1-based, then the
 * message as i32 length + UTF-8). Object methods consume a handle: pass a clone. Records come
 * back serialised as uniffi does: i32-length strings, big-endian integers, an i8 tag before an
 * Option; a `Vec<u8>` argument goes in as an i32 length and the bytes.
 *
 * hostile.json cases carry forbidden substrings: none may occur in an error's message (the
 * only string form an error has here). The cases file ends with the manifest's count of
 * hostile cases per supported operation; the harness asserts it ran exactly that many.
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

/* A heap string with its length: values may contain NUL bytes (and DER is binary). */
typedef struct { char *data; size_t len; } Str;

static void die(const char *what) { fprintf(stderr, "ctest: %s\n", what); exit(2); }

/* The current case's forbidden substrings, and the first one its error message contained. */
#define MAX_FORBIDDEN 32
static Str forbidden[MAX_FORBIDDEN];
static int n_forbidden;
static int leaked = -1;

/* The hostile.json operations: the manifest's count (from the cases file) and the count run. */
#define MAX_GROUPS 16
static struct { char name[64]; long want, ran; } groups[MAX_GROUPS];
static int n_groups;

static int group_index(const char *name) {
    for (int i = 0; i < n_groups; i++)
        if (strcmp(groups[i].name, name) == 0) return i;
    if (n_groups == MAX_GROUPS || strlen(name) >= sizeof groups[0].name) die("too many hostile operations");
    strcpy(groups[n_groups].name, name);
    groups[n_groups].want = -1;
    return n_groups++;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    die("bad hex in cases file");
    return 0;
}

static Str unhex(const char *hex, size_t n) {
    if (n % 2) die("odd hex length in cases file");
    Str s = { malloc(n / 2 + 1), n / 2 };
    if (!s.data) die("out of memory");
    for (size_t i = 0; i < s.len; i++) s.data[i] = (char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    s.data[s.len] = '\0';
    return s;
}

/* Whether `hay` contains `needle` (memmem is not in POSIX). */
static int contains(const char *hay, size_t n, const Str needle) {
    if (needle.len == 0 || needle.len > n) return needle.len == 0;
    for (size_t i = 0; i + needle.len <= n; i++)
        if (hay[i] == needle.data[0] && memcmp(hay + i, needle.data, needle.len) == 0) return 1;
    return 0;
}

static RustCallStatus status_new(void) {
    RustCallStatus st;
    memset(&st, 0, sizeof st);
    return st;
}

static RustBuffer lower_raw(const void *data, size_t len) {
    RustCallStatus st = status_new();
    ForeignBytes bytes = { (int32_t)len, (const uint8_t *)data };
    RustBuffer buf = ffi_antom_ffi_rustbuffer_from_bytes(bytes, &st);
    if (st.code != 0) die("rustbuffer_from_bytes failed");
    return buf;
}

/* A string argument: its UTF-8 bytes. */
static RustBuffer lower(Str s) { return lower_raw(s.data, s.len); }

/* A `Vec<u8>` argument: i32 big-endian length, then the bytes. */
static RustBuffer lower_vec(Str s) {
    uint8_t *b = malloc(s.len + 4);
    if (!b) die("out of memory");
    b[0] = (uint8_t)(s.len >> 24), b[1] = (uint8_t)(s.len >> 16), b[2] = (uint8_t)(s.len >> 8), b[3] = (uint8_t)s.len;
    if (s.len) memcpy(b + 4, s.data, s.len);
    RustBuffer r = lower_raw(b, s.len + 4);
    free(b);
    return r;
}

/* Takes ownership of a returned RustBuffer: its bytes as a Str. */
static Str lift(RustBuffer buf) {
    Str s = { malloc((size_t)buf.len + 1), (size_t)buf.len };
    if (!s.data) die("out of memory");
    if (buf.len) memcpy(s.data, buf.data, (size_t)buf.len);
    s.data[s.len] = '\0';
    RustCallStatus st = status_new();
    ffi_antom_ffi_rustbuffer_free(buf, &st);
    return s;
}

static uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* A reader over a serialised record. */
typedef struct { const uint8_t *p; size_t left; } Reader;

static const uint8_t *take(Reader *r, size_t n) {
    if (n > r->left) die("truncated record from the library");
    const uint8_t *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}
static uint32_t read_u32(Reader *r) { return be32(take(r, 4)); }
static int8_t read_i8(Reader *r) { return (int8_t)*take(r, 1); }
/* Appends `n` bytes to a heap Str, keeping it NUL-terminated. */
static void append_bytes(Str *out, const void *p, size_t n) {
    char *grown = realloc(out->data, out->len + n + 1);
    if (!grown) die("out of memory");
    out->data = grown;
    if (n) memcpy(out->data + out->len, p, n);
    out->len += n;
    out->data[out->len] = '\0';
}
static void append(Str *out, const char *s) { append_bytes(out, s, strlen(s)); }
/* Reads an i32-length string and appends it to `out`. */
static void read_str(Reader *r, Str *out) {
    size_t n = read_u32(r);
    append_bytes(out, take(r, n), n);
}

/*
 * The outcome of a call: its value, or its error code ("INVALID_KEY", ...), or "PANIC". An
 * error's message must start with its code and contain none of the case's forbidden strings.
 */
static Str outcome(RustCallStatus *st, Str value) {
    if (st->code == 0) return value;
    free(value.data);
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
        if (mlen < clen + 1 || 8 + (size_t)mlen > err.len || memcmp(err.data + 8, code, clen) != 0 || err.data[8 + clen] != ':') {
            code = "MESSAGE_DOES_NOT_MATCH_VARIANT";
        } else {
            for (int i = 0; i < n_forbidden && leaked < 0; i++)
                if (forbidden[i].len && contains(err.data + 8, mlen, forbidden[i])) leaked = i;
        }
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
    if (leaked >= 0) {
        failed++;
        fprintf(stderr, "FAIL %s %s: the error message contains forbidden[%d] %.80s\n", op, id, leaked, forbidden[leaked].data);
    } else if (got.len == want.len && memcmp(got.data, want.data, got.len) == 0) {
        passed++;
    } else {
        failed++;
        /* Print at most the start of each side: values are public test data, never real keys. */
        fprintf(stderr, "FAIL %s %s: got %.80s, want %.80s\n", op, id, got.data, want.data);
    }
}

static Str strv(const char *s) { Str r = { strdup(s), strlen(s) }; return r; }
static Str empty(void) { return strv(""); }

/* The public key (of a private key: its public half) as base64; consumes `key`. */
static Str public_base64(int private_key, uint64_t key, RustCallStatus *st) {
    uint64_t public_key = key;
    if (private_key) {
        public_key = uniffi_antom_ffi_fn_method_privatekey_public_key(uniffi_antom_ffi_fn_clone_privatekey(key, st), st);
        RustCallStatus free_st = status_new();
        uniffi_antom_ffi_fn_free_privatekey(key, &free_st);
        if (st->code != 0) return outcome(st, empty());
    }
    RustBuffer r = uniffi_antom_ffi_fn_method_publickey_to_base64(uniffi_antom_ffi_fn_clone_publickey(public_key, st), st);
    Str got = outcome(st, st->code == 0 ? lift(r) : empty());
    RustCallStatus free_st = status_new();
    uniffi_antom_ffi_fn_free_publickey(public_key, &free_st);
    return got;
}

static void run(const char *op, const char *id, Str *f, int n) {
    RustCallStatus st = status_new();
    Str got = { NULL, 0 }, want = f[n - 1];
    if (strcmp(op, "content") == 0 && n == 6) {
        RustBuffer r = uniffi_antom_ffi_fn_func_content_to_sign(lower(f[0]), lower(f[1]), lower(f[2]), lower(f[3]), lower(f[4]), &st);
        got = outcome(&st, st.code == 0 ? lift(r) : empty());
    } else if (strcmp(op, "sign") == 0 && n == 3) {
        Str key_text = read_vector_file(f[0]);
        uint64_t key = uniffi_antom_ffi_fn_constructor_privatekey_new(lower(key_text), &st);
        free(key_text.data);
        if (st.code != 0) {
            got = outcome(&st, empty());
        } else {
            uint64_t clone = uniffi_antom_ffi_fn_clone_privatekey(key, &st);
            RustBuffer r = uniffi_antom_ffi_fn_method_privatekey_sign(clone, lower(f[1]), &st);
            got = outcome(&st, st.code == 0 ? lift(r) : empty());
            RustCallStatus free_st = status_new();
            uniffi_antom_ffi_fn_free_privatekey(key, &free_st);
        }
    } else if (strcmp(op, "verify") == 0 && n == 4) {
        Str key_text = read_vector_file(f[0]);
        uint64_t key = uniffi_antom_ffi_fn_constructor_publickey_new(lower(key_text), &st);
        free(key_text.data);
        if (st.code != 0) {
            got = outcome(&st, empty());
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
        got = outcome(&st, st.code == 0 ? lift(r) : empty());
    } else if ((strcmp(op, "pubkey") == 0 || strcmp(op, "pubder") == 0) && n == 3) {
        int private_key = strcmp(f[0].data, "private") == 0;
        uint64_t key;
        if (op[3] == 'k') /* pubkey: text */
            key = private_key ? uniffi_antom_ffi_fn_constructor_privatekey_new(lower(f[1]), &st)
                              : uniffi_antom_ffi_fn_constructor_publickey_new(lower(f[1]), &st);
        else /* pubder: DER bytes */
            key = private_key ? uniffi_antom_ffi_fn_constructor_privatekey_from_der(lower_vec(f[1]), &st)
                              : uniffi_antom_ffi_fn_constructor_publickey_from_der(lower_vec(f[1]), &st);
        got = st.code != 0 ? outcome(&st, empty()) : public_base64(private_key, key, &st);
    } else if (strcmp(op, "sighdr") == 0 && n == 2) {
        /* SignatureHeader { algorithm: String, key_version: Option<u32>, signature: String } */
        RustBuffer r = uniffi_antom_ffi_fn_func_parse_signature_header(lower(f[0]), &st);
        if (st.code != 0) {
            got = outcome(&st, empty());
        } else {
            Str record = lift(r);
            Reader rd = { (const uint8_t *)record.data, record.len };
            got = empty();
            read_str(&rd, &got);
            char kv[16] = "null";
            if (read_i8(&rd)) snprintf(kv, sizeof kv, "%lu", (unsigned long)read_u32(&rd));
            append(&got, "\n");
            append(&got, kv);
            append(&got, "\n");
            read_str(&rd, &got);
            if (rd.left) die("trailing bytes after a SignatureHeader");
            free(record.data);
        }
    } else if (strcmp(op, "sigfmt") == 0 && n == 3) {
        uint32_t kv = (uint32_t)strtoul(f[0].data, NULL, 10);
        RustBuffer r = uniffi_antom_ffi_fn_func_format_signature_header(kv, lower(f[1]), &st);
        got = outcome(&st, st.code == 0 ? lift(r) : empty());
    } else if (strcmp(op, "endpoint") == 0 && n == 2) {
        /* Option<Endpoint { name, group, path: String }> */
        RustBuffer r = uniffi_antom_ffi_fn_func_endpoint(lower(f[0]), &st);
        if (st.code != 0) {
            got = outcome(&st, empty());
        } else {
            Str record = lift(r);
            Reader rd = { (const uint8_t *)record.data, record.len };
            if (read_i8(&rd) == 0) {
                got = strv("NOT_FOUND");
            } else {
                Str name = empty(), group = empty();
                read_str(&rd, &name);
                read_str(&rd, &group);
                got = empty();
                read_str(&rd, &got);
                append(&got, "\n");
                append(&got, group.data);
                if (name.len != f[0].len || memcmp(name.data, f[0].data, name.len) != 0) append(&got, " (a different name)");
                free(name.data);
                free(group.data);
            }
            if (rd.left) die("trailing bytes after an Option<Endpoint>");
            free(record.data);
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
        char *fields[12];
        int count = 0;
        /* Split on tabs by hand: empty fields (an empty body, an empty signature) are data. */
        for (char *p = line; count < 12;) {
            fields[count++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = '\0';
            p = tab + 1;
        }
        if (strcmp(fields[0], "#hostile") == 0) {
            if (count != 3) die("bad #hostile line in cases file");
            groups[group_index(fields[1])].want = strtol(fields[2], NULL, 10);
            continue;
        }
        if (count < 5) die("short line in cases file");
        if (strcmp(fields[2], "-") != 0) groups[group_index(fields[2])].ran++;
        /* The forbidden substrings: hex, comma-separated. */
        n_forbidden = 0;
        leaked = -1;
        for (char *p = fields[3]; *p;) {
            char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if (n_forbidden == MAX_FORBIDDEN) die("too many forbidden strings");
            forbidden[n_forbidden++] = unhex(p, len);
            p += len + (comma ? 1 : 0);
        }
        Str values[8];
        int nv = count - 4;
        if (nv > 8) die("long line in cases file");
        for (int i = 0; i < nv; i++) values[i] = unhex(fields[i + 4], strlen(fields[i + 4]));
        run(fields[0], fields[1], values, nv);
        for (int i = 0; i < nv; i++) free(values[i].data);
        for (int i = 0; i < n_forbidden; i++) free(forbidden[i].data);
        n_forbidden = 0;
    }
    free(line);
    fclose(in);

    /* Exactly the manifest's hostile.json cases of each operation this harness runs. */
    long hostile = 0;
    for (int i = 0; i < n_groups; i++) {
        hostile += groups[i].ran;
        if (groups[i].ran != groups[i].want) {
            failed++;
            if (groups[i].want < 0)
                fprintf(stderr, "FAIL hostile.json %s: ran %ld cases, the manifest has no count for it\n", groups[i].name, groups[i].ran);
            else
                fprintf(stderr, "FAIL hostile.json %s: ran %ld cases, the manifest has %ld\n", groups[i].name, groups[i].ran,
                        groups[i].want);
        }
    }
    printf("%d passed, %d failed (%ld of them hostile.json cases:", passed, failed, hostile);
    for (int i = 0; i < n_groups; i++) printf(" %s %ld/%ld", groups[i].name, groups[i].ran, groups[i].want);
    printf(")\n");
    return failed == 0 && passed > 0 ? 0 : 1;
}
