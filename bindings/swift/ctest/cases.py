#!/usr/bin/env python3
"""Extracts vector cases for the C harness from tests/vectors/ (C has no JSON parser here).

One case per line, tab-separated:
  op  id  group  forbidden  field...  expected
* `group`: `-` for a case of a per-operation file, else the hostile.json operation it counts
  towards (`parse_key`, ...).
* `forbidden`: the hostile.json case's forbidden substrings, each hex-encoded, comma-separated
  (empty for none): none may occur in the error message when the case fails.
* every field and the expected value are hex-encoded (UTF-8 text, or raw bytes for DER), so no
  escaping is needed. The expected value is the result, or the error code.
  content  id ...  method path client_id time body      content
  sign     id ...  key_file content                     signature
  verify   id ...  key_file content signature           true|false
  to       id ...  amount currency                      value
  from     id ...  value currency                       amount
  pubkey   id ...  kind(private|public) text            public_key_base64
  pubder   id ...  kind(private|public) der_bytes       public_key_base64
  sighdr   id ...  header                               algorithm LF key_version|null LF signature
  sigfmt   id ...  key_version(decimal) signature       header
  endpoint id ...  name                                 path LF group | NOT_FOUND
Then, for each hostile.json operation the harness supports, one line
  #hostile  operation  count
with the count from manifest.json's "hostile_operations" (not from the cases above): the harness
asserts it ran exactly that many hostile cases of that operation.

Usage: cases.py <vectors dir>  (writes to stdout; prints the counts to stderr)
       cases.py <vectors dir> --external   external_signer.json's cases for external.c
"""
import base64
import json
import pathlib
import sys

vectors = pathlib.Path(sys.argv[1])

# The vector operations the C harness runs (the rest need a Client: the JVM, Node, Python and
# Rust runners cover them, and glue.c covers the client's body-size surface).
SUPPORTED = ("parse_key", "content_to_sign", "sign", "verify", "signature_header", "amount", "endpoint")


def text(value):
    """A vector "text": a string, or {"prefix", "repeat", "count", "suffix"}."""
    if isinstance(value, str):
        return value
    return value.get("prefix", "") + value.get("repeat", "") * value["count"] + value.get("suffix", "")


def load(name):
    return json.loads((vectors / name).read_text(encoding="utf-8"))


def hexed(field):
    return (field if isinstance(field, bytes) else field.encode("utf-8")).hex()


counts = {}


def emit(op, case, group, *fields):
    forbidden = ",".join(hexed(f) for f in case.get("forbidden", []))
    print("\t".join([op, case["id"], group, forbidden] + [hexed(f) for f in fields]))
    counts[op] = counts.get(op, 0) + 1


def outcome(expect, key):
    return expect["error"] if "error" in expect else expect[key]


def run(operation, case, group):
    """Emits `case` for `operation`; False when the harness cannot run it."""
    i, e = case["input"], case["expect"]
    if operation == "content_to_sign":
        if "content" not in e:
            return False  # the huge-body cases only pin a SHA-256: covered by the other runners
        emit("content", case, group, i["method"], i["path"], i["client_id"], i["time"], text(i["body"]),
             outcome(e, "content"))
    elif operation == "sign":
        emit("sign", case, group, i["private_key_file"], text(i["content"]), outcome(e, "signature"))
    elif operation == "verify":
        want = e["error"] if "error" in e else ("true" if e["valid"] else "false")
        emit("verify", case, group, i["public_key_file"], text(i["content"]), text(i["signature"]), want)
    elif operation == "amount":
        if "to_minor_units" in i:
            t = i["to_minor_units"]
            emit("to", case, group, t["amount"], t["currency"], outcome(e, "value"))
        else:
            f = i["from_minor_units"]
            emit("from", case, group, f["value"], f["currency"], outcome(e, "amount"))
    elif operation == "parse_key":
        want = outcome(e, "public_key_base64")
        if "der_base64" in i:
            emit("pubder", case, group, i["kind"], base64.b64decode(i["der_base64"]), want)
        else:
            key_text = (vectors / i["text_file"]).read_text(encoding="utf-8") if "text_file" in i else text(i["text"])
            emit("pubkey", case, group, i["kind"], key_text, want)
    elif operation == "signature_header":
        if "parse" in i:
            if "error" in e:
                want = e["error"]
            else:
                kv = "null" if e["key_version"] is None else str(e["key_version"])
                want = f"{e['algorithm']}\n{kv}\n{e['signature']}"
            emit("sighdr", case, group, text(i["parse"]), want)
        else:
            f = i["format"]
            emit("sigfmt", case, group, str(f["key_version"]), f["signature"], outcome(e, "header"))
    elif operation == "endpoint":
        want = f"{e['path']}\n{e['group']}" if e.get("found", True) else "NOT_FOUND"
        emit("endpoint", case, group, i["name"], want)
    else:
        return False
    return True


def external_lines():
    """external_signer.json for external.c, one case per line, tab-separated; an absent optional
    field is `-`, every present one hex-encoded:
      id client_id merchant_public_key_text antom_public_key_text region environment gateway_url
      key_version agent_token max_body_bytes api body request_time signature expected
    `expected` is `E:<CODE>` when building the client or step 1 fails, else
    hex(message) `,` digest_hex `,` (`E:SIGNING_FAILED` | hex(method LF url LF path LF
    "name: value" LF ... LF LF body)). Last line: `#count N` with the manifest's count."""
    manifest = load("manifest.json")
    doc = load("external_signer.json")
    opt = lambda v: "-" if v is None else hexed(v if isinstance(v, bytes) else str(v))
    for case in doc["cases"]:
        i, e, c = case["input"], case["expect"], case["input"]["config"]
        merchant = c.get("merchant_public_key_file")
        fields = [
            case["id"], hexed(c["client_id"]), opt(None if merchant is None else (vectors / merchant).read_text()),
            hexed((vectors / c["antom_public_key_file"]).read_text()), opt(c.get("region")), opt(c.get("environment")),
            opt(c.get("gateway_url")), opt(c.get("key_version")), opt(c.get("agent_token")),
            opt(c.get("max_body_bytes")), hexed(i["api"]), hexed(text(i["body"])), str(i["request_time"]),
            opt(None if "signature_base64" not in i else base64.b64decode(i["signature_base64"])),
        ]
        if "error" in e:
            want = "E:" + e["error"]
        else:
            f = e["finish"]
            if "error" in f:
                finish = "E:" + f["error"]
            else:
                rendered = "\n".join([f["method"], f["url"], f["path"]] + [f"{n}: {v}" for n, v in f["headers"]])
                finish = hexed(rendered + "\n\n" + f["body"])
            want = f"{hexed(e['message'])},{e['digest_hex']},{finish}"
        print("\t".join(fields + [want]))
    print(f"#count\t{manifest['files']['external_signer.json']}")


if len(sys.argv) > 2 and sys.argv[2] == "--external":
    external_lines()
    sys.exit(0)

manifest = load("manifest.json")
skipped = {}
for name in manifest["files"]:
    doc = load(name)
    for case in doc["cases"]:
        if doc["operation"] == "hostile":
            operation, group = case["operation"], case["operation"]
        else:
            operation, group = doc["operation"], "-"
        if not run(operation, case, group):
            skipped[name] = skipped.get(name, 0) + 1
for operation, count in manifest["hostile_operations"].items():
    if operation in SUPPORTED:
        print(f"#hostile\t{operation}\t{count}")
print(
    "cases.py: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    + "; not run here: " + ", ".join(f"{k} {v}" for k, v in skipped.items()),
    file=sys.stderr,
)
