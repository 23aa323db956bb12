"""The local Antom simulator (`antom mock`, `antom trigger`) as subprocesses, and a scripted
stdlib HTTP server for the replies the simulator does not make. `make test-python` builds
the `antom` binary first; ANTOM_BIN overrides its path."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator, List, Optional, Tuple

from support import CLIENT_ID, KEYS, REPO

ANTOM = Path(os.environ.get("ANTOM_BIN") or REPO / "target" / "debug" / "antom")
ANTOM_KEY = KEYS / "TEST-ONLY-antom.private.pkcs8.b64"
OTHER_KEY = KEYS / "TEST-ONLY-other.private.pkcs8.b64"
AMOUNT = {"currency": "USD", "value": "1000"}


def antom_binary() -> str:
    # A missing binary fails the tests: `make test-python` builds it (never a silent skip).
    assert ANTOM.is_file(), f"{ANTOM} is missing: run `cargo build -p antom-cli --bin antom`"
    return str(ANTOM)


def pay_body(request_id: str, notify_url: str = "http://127.0.0.1:9/notify") -> bytes:
    return json.dumps({
        "productCode": "CASHIER_PAYMENT",
        "paymentRequestId": request_id,
        "order": {"referenceOrderId": request_id, "orderDescription": "send test", "orderAmount": AMOUNT},
        "paymentAmount": AMOUNT,
        "paymentMethod": {"paymentMethodType": "ALIPAY_CN"},
        "paymentRedirectUrl": "http://127.0.0.1/return",
        "paymentNotifyUrl": notify_url,
        "env": {"terminalType": "WEB"},
        "settlementStrategy": {"settlementCurrency": "USD"},
    }).encode()


@dataclass
class Mock:
    """A running `antom mock`: its gateway URL and what it logged."""

    url: str
    log: Path

    def lines(self) -> List[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


@contextmanager
def antom_mock(workdir: Path, *extra: str, antom_key: Optional[Path] = ANTOM_KEY) -> Iterator[Mock]:
    """`antom mock` on a free port, verifying requests with the merchant's test public key
    and signing with `antom_key` (default the Antom test key, so clients verify with
    TEST-ONLY-antom.public; None: a key the simulator generates). `extra`: more arguments."""
    log = workdir / "mock.log"
    key_args = [] if antom_key is None else ["--antom-private-key", str(antom_key)]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [antom_binary(), "mock", "--port", "0",
             "--merchant-public-key", str(KEYS / "TEST-ONLY-merchant.public.spki.b64"),
             *key_args, "--client-id", CLIENT_ID, *extra],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        url = ""
        deadline = time.monotonic() + 20
        while not url:
            assert process.poll() is None, "antom mock exited: " + log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "antom mock did not print its address"
            for line in log.read_text(encoding="utf-8").splitlines():
                if line.startswith("antom mock: listening on "):
                    url = line.split(" on ", 1)[1].strip()
            time.sleep(0.05)
        yield Mock(url, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


def trigger(to: str, key: Path, payment_request_id: str) -> "subprocess.CompletedProcess[str]":
    """`antom trigger notifyPayment` to `to`, signed with `key`; exit 0 only for 200 + ACK."""
    return subprocess.run(
        [antom_binary(), "trigger", "notifyPayment", "--to", to, "--antom-private-key", str(key),
         "--payment-request-id", payment_request_id],
        capture_output=True, text=True, timeout=30,
    )


@dataclass
class Recorded:
    path: str
    headers: List[Tuple[str, str]]
    body: bytes


@dataclass
class Script:
    """What a scripted server answered and saw: `answer(index, request)` gives
    (status, headers, body) for the index-th request."""

    answer: Callable[[int, Recorded], Tuple[int, List[Tuple[str, str]], bytes]]
    seen: List[Recorded] = field(default_factory=list)


@contextmanager
def scripted_server(script: Script) -> Iterator[str]:
    """A stdlib HTTP server on 127.0.0.1 answering POSTs by `script`; yields its origin."""
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            recorded = Recorded(self.path, list(self.headers.items()), body)
            with lock:
                script.seen.append(recorded)
                index = len(script.seen) - 1
            status, headers, reply = script.answer(index, recorded)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
