"""Webhook endpoint throughput, same run: the same ASGI app under uvicorn and the same WSGI app
under gunicorn (one worker each), verifying Antom notifications with the antom-core wheel or
with bare `cryptography`. A bounded load generator on 127.0.0.1 (asyncio, keep-alive
connections, concurrency 32, 10% forged notifications) checks every verdict (200 for a
signed notification, 401 for a forged one) and samples the server's RSS.

Run it with `make bench-python-webhook`; it rewrites the `python-webhook` block of
BENCHMARKS.md. Not a test: a number, not a pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Dict, List, Tuple

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

ROOT = Path(__file__).resolve().parents[2]
KEYS = ROOT / "tests" / "vectors" / "keys"
# The one BENCHMARKS.md block writer (tests/bench/benchmarks_md.py); python -I leaves the
# repository off sys.path, so it is added by path.
sys.path.insert(0, str(ROOT / "tests" / "bench"))
from benchmarks_md import cpu_facts, replace_block  # noqa: E402
HERE = Path(__file__).resolve().parent
CLIENT_ID = "SANDBOX_5X00000000000000"
PATH = "/antom/notify"
CONCURRENCY = 32
FORGED_EVERY = 10  # one in ten


def notifications(count: int) -> List[Tuple[bytes, bool]]:
    """`count` distinct raw HTTP requests, signed with the throw-away Antom test key by
    `cryptography`; every tenth carries the signature of another body (forged)."""
    der = base64.b64decode((KEYS / "TEST-ONLY-antom.private.pkcs8.b64").read_text())
    key = serialization.load_der_private_key(der, None)
    out = []
    for i in range(count):
        body = json.dumps({
            "notifyType": "PAYMENT_RESULT",
            "result": {"resultCode": "SUCCESS", "resultStatus": "S", "resultMessage": "success"},
            "paymentRequestId": f"pay_bench_{i:06d}",
            "paymentId": f"2026112219401080010018800{i:07d}",
            "paymentAmount": {"currency": "USD", "value": "1000"},
        }, separators=(",", ":")).encode()
        forged = i % FORGED_EVERY == FORGED_EVERY - 1
        signed = body.replace(b"pay_bench", b"pay_other") if forged else body
        when = str(1763769600000 + i)
        content = f"POST {PATH}\n{CLIENT_ID}.{when}.".encode() + signed
        raw = key.sign(content, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
        value = urllib.parse.quote(base64.b64encode(raw).decode(), safe="")
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: Antom-Notify/1.0\r\n"
            f"Content-Type: application/json; charset=UTF-8\r\nContent-Length: {len(body)}\r\n"
            f"Client-Id: {CLIENT_ID}\r\nRequest-Time: {when}\r\n"
            f"Signature: algorithm=RSA256,keyVersion=1,signature={value}\r\n\r\n"
        )
        out.append((head.encode() + body, not forged))
    return out


async def one_connection(port: int, requests: List[Tuple[bytes, bool]], counter: Dict[str, int],
                         total: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while counter["sent"] < total:
            request, genuine = requests[counter["sent"] % len(requests)]
            counter["sent"] += 1
            writer.write(request)
            status_line = await reader.readline()
            if not status_line:  # the server closed the connection (gunicorn sync: no keep-alive)
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(request)
                status_line = await reader.readline()
            status = int(status_line.split()[1])
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and value.strip().lower() == "close":
                    close = True
            await reader.readexactly(length)
            expected = 200 if genuine else 401
            if status != expected:
                counter["wrong"] += 1
            counter["done"] += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


def rss_kib(pid: int) -> int:
    """The resident set of `pid` and its children (gunicorn's worker), in KiB."""
    total = 0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(server: str, verifier: str, requests: List[Tuple[bytes, bool]], total: int) -> Dict[str, float]:
    port = free_port()
    env = dict(os.environ, BENCH_VERIFIER=verifier, BENCH_CLIENT_ID=CLIENT_ID,
               BENCH_ANTOM_PUBLIC_KEY=(KEYS / "TEST-ONLY-antom.public.spki.b64").read_text().strip(),
               PYTHONPATH=str(HERE))
    bin_dir = Path(sys.executable).parent
    if server == "uvicorn":
        cmd = [str(bin_dir / "uvicorn"), "webhook_app:asgi", "--host", "127.0.0.1", "--port",
               str(port), "--workers", "1", "--log-level", "warning", "--no-access-log",
               "--http", "h11", "--loop", "asyncio"]
    else:
        cmd = [str(bin_dir / "gunicorn"), "webhook_app:wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--worker-class", "sync", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, cwd=HERE)
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{server} did not start")
                time.sleep(0.1)
        warm = {"sent": 0, "done": 0, "wrong": 0}

        async def load(counter: Dict[str, int], n: int) -> None:
            await asyncio.gather(*(one_connection(port, requests, counter, n) for _ in range(CONCURRENCY)))

        asyncio.run(load(warm, 2000))
        rss_start = rss_kib(proc.pid)
        counter = {"sent": 0, "done": 0, "wrong": 0}
        start = time.perf_counter()
        asyncio.run(load(counter, total))
        seconds = time.perf_counter() - start
        rss_end = rss_kib(proc.pid)
        if counter["wrong"] or warm["wrong"]:
            raise RuntimeError(f"{server}/{verifier}: {counter['wrong'] + warm['wrong']} wrong verdicts")
        return {"rps": counter["done"] / seconds, "rss_start": rss_start, "rss_end": rss_end,
                "done": counter["done"]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000, help="per server and verifier")
    parser.add_argument("--write", type=Path, help="BENCHMARKS.md to update")
    args = parser.parse_args()
    import antom_core

    if (ROOT / "python") in Path(antom_core.__file__).resolve().parents:
        sys.exit("webhook.py must run against the installed wheel")
    requests = notifications(500)
    random.Random(7).shuffle(requests)
    load_before = os.getloadavg()[0]
    results = {}
    for server in ("uvicorn", "gunicorn"):
        for verifier in ("bare", "antom"):
            r = run(server, verifier, requests, args.requests)
            results[(server, verifier)] = r
            print(f"{server} {verifier}: {r['rps']:,.0f} req/s, RSS {r['rss_start']:,} -> {r['rss_end']:,} KiB")
    load_after = os.getloadavg()[0]
    rows = []
    for server, label in (("uvicorn", "ASGI under uvicorn (h11, 1 worker)"),
                          ("gunicorn", "WSGI under gunicorn (sync, 1 worker)")):
        bare, ours = results[(server, "bare")], results[(server, "antom")]
        ratio = ours["rps"] / bare["rps"]
        rows.append(
            f"| {label} | {bare['rps']:,.0f} | {ours['rps']:,.0f} | {ratio:.2f}x "
            f"({'met' if ratio >= 0.9 else '**missed**'}) | "
            f"{ours['rss_start'] / 1024:.1f} → {ours['rss_end'] / 1024:.1f} MiB |")
    text = f"""## Python webhook endpoint (`make bench-python-webhook`)

Measured {datetime.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores
({cpu_facts()}; server, load generator and the interpreter share them), CPython {platform.python_version()}.
{args.requests:,} notifications per run after 2,000 warm-up requests, concurrency
{CONCURRENCY}, one in {FORGED_EVERY} forged (every verdict checked: 200 or 401); 500 distinct
signed notifications cycled. Baseline: the same app verifying with bare `cryptography` (the
same three headers, signature decoding, client id check). 1-minute load average
{load_before:.2f} before, {load_after:.2f} after. Target (issue 28): ≥ 0.9x, RSS flat.

| endpoint | bare `cryptography` req/s | antom-core req/s | ratio | antom-core RSS over the run |
| --- | ---: | ---: | --- | --- |
""" + "\n".join(rows) + "\n"
    print(text)
    if args.write:
        replace_block(args.write, "python-webhook", text)


if __name__ == "__main__":
    main()
