#!/usr/bin/env python3
"""Extracts vector cases for the C harness from tests/vectors/ (C has no JSON parser here).

One case per line, tab-separated, every field hex-encoded UTF-8 (so no escaping):
  content  id  method path client_id time body  expected_content
  sign     id  key_file content                 expected_signature
  verify   id  key_file content signature       true|false|ERROR_CODE
  to       id  amount currency                  value|ERROR_CODE
  from     id  value currency                   amount|ERROR_CODE
  pubkey   id  kind(private|public) text        public_key_base64|ERROR_CODE
Usage: cases.py <vectors dir>  (writes to stdout; prints the counts to stderr)
"""
import json
import pathlib
import sys

vectors = pathlib.Path(sys.argv[1])


def text(value):
    if isinstance(value, str):
        return value
    return value.get("prefix", "") + value.get("repeat", "") * value["count"] + value.get("suffix", "")


def load(name):
    return json.loads((vectors / name).read_text(encoding="utf-8"))["cases"]


def emit(op, case_id, *fields):
    print("\t".join([op, case_id] + [f.encode("utf-8").hex() for f in fields]))


def outcome(expect, key):
    return expect["error"] if "error" in expect else expect[key]


counts = {}
for case in load("content.json"):
    i, e = case["input"], case["expect"]
    if "content" in e:  # the huge-body cases only pin a SHA-256: covered by the JVM/Rust runners
        emit("content", case["id"], i["method"], i["path"], i["client_id"], i["time"], text(i["body"]), e["content"])
        counts["content"] = counts.get("content", 0) + 1
for case in load("sign.json"):
    i, e = case["input"], case["expect"]
    emit("sign", case["id"], i["private_key_file"], text(i["content"]), outcome(e, "signature"))
    counts["sign"] = counts.get("sign", 0) + 1
for case in load("verify.json"):
    i, e = case["input"], case["expect"]
    want = e["error"] if "error" in e else ("true" if e["valid"] else "false")
    emit("verify", case["id"], i["public_key_file"], text(i["content"]), i["signature"], want)
    counts["verify"] = counts.get("verify", 0) + 1
for case in load("amounts.json"):
    i, e = case["input"], case["expect"]
    if "to_minor_units" in i:
        t = i["to_minor_units"]
        emit("to", case["id"], t["amount"], t["currency"], outcome(e, "value"))
    else:
        f = i["from_minor_units"]
        emit("from", case["id"], f["value"], f["currency"], outcome(e, "amount"))
    counts["amount"] = counts.get("amount", 0) + 1
for case in load("keys.json"):
    i, e = case["input"], case["expect"]
    if "der_base64" in i:
        continue  # DER input goes through from_der: covered by the JVM/Rust runners
    key_text = (vectors / i["text_file"]).read_text(encoding="utf-8") if "text_file" in i else text(i["text"])
    emit("pubkey", case["id"], i["kind"], key_text, outcome(e, "public_key_base64"))
    counts["parse_key"] = counts.get("parse_key", 0) + 1
print("cases.py: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
