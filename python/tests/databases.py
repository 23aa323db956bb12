"""Throw-away PostgreSQL and Redis servers for the tests, started from Debian's packages
(`make test-python` installs `postgresql` and `redis-server` as root through
tests/setup/doctor.sh). A server that cannot be started fails the test with the exact error:
never a skip."""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_bindir() -> Path:
    """Where initdb / pg_ctl are: the newest /usr/lib/postgresql/*/bin (Debian keeps them off
    PATH), else pg_config --bindir, else PATH (the same order as tests/setup/doctor.sh)."""
    candidates = []
    for d in glob.glob("/usr/lib/postgresql/*/bin"):
        version = re.sub(r"\D.*", "", Path(d).parent.name)
        if os.access(os.path.join(d, "initdb"), os.X_OK) and os.access(os.path.join(d, "pg_ctl"), os.X_OK):
            candidates.append((int(version or 0), Path(d)))
    if candidates:
        return max(candidates)[1]
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").is_file():
            return bindir
    initdb = shutil.which("initdb")
    assert initdb, (
        "PostgreSQL's initdb was not found (/usr/lib/postgresql/*/bin, pg_config, PATH): "
        "install it with `apt-get install postgresql` (make test-python does as root)"
    )
    return Path(initdb).parent


def _as_server_user(directory: Path) -> List[str]:
    """The command prefix that runs the server programs: as root (which PostgreSQL refuses),
    `runuser -u postgres` (Debian's package creates that user; else `nobody`), owning
    `directory`."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    assert runuser, "running as root without runuser: PostgreSQL refuses to run as root"
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        for path in [directory, *directory.rglob("*")]:
            os.chown(path, entry.pw_uid, entry.pw_gid)
        return [runuser, "-u", name, "--"]
    raise AssertionError("running as root and neither a postgres nor a nobody user exists")


def _run(command: List[str], what: str, timeout: float = 60) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{what} failed (exit {done.returncode}): {done.stdout}{done.stderr}"


class Postgres:
    """A running cluster: `conninfo` (trust authentication on 127.0.0.1), `stop()`."""

    def __init__(self, root: Path, port: int, bindir: Path, prefix: List[str]) -> None:
        self.root, self.port, self.bindir, self.prefix = root, port, bindir, prefix
        self.conninfo = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            subprocess.run(
                [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                 "-w", "stop"], capture_output=True, timeout=60,
            )

    def start(self) -> None:
        _run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-l",
              str(self.root / "server.log"), "-w", "-t", "60", "-o", self._options(), "start"],
             "pg_ctl start")
        self.running = True

    def _options(self) -> str:
        return (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")


@contextmanager
def postgres() -> Iterator[Postgres]:
    bindir = postgres_bindir()
    root = Path(tempfile.mkdtemp(prefix="antom-pg-"))
    os.chmod(root, 0o755)
    server: Optional[Postgres] = None
    try:
        prefix = _as_server_user(root)
        _run([*prefix, str(bindir / "initdb"), "-D", str(root / "data"), "-A", "trust", "-U", "postgres",
              "-E", "UTF8", "--no-locale", "--no-sync"], "initdb")
        server = Postgres(root, free_port(), bindir, prefix)
        try:
            server.start()
        except AssertionError:
            log = root / "server.log"
            raise AssertionError(
                "PostgreSQL did not start: " + (log.read_text() if log.exists() else "(no log)")
            ) from None
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


class Redis:
    """A running redis-server: `url`, `port`."""

    def __init__(self, port: int, process: "subprocess.Popen[bytes]") -> None:
        self.port, self.process = port, process
        self.url = f"redis://127.0.0.1:{port}/0"


@contextmanager
def redis_server() -> Iterator[Redis]:
    binary = shutil.which("redis-server")
    assert binary, "redis-server was not found: install it with `apt-get install redis-server` (make test-python does as root)"
    root = Path(tempfile.mkdtemp(prefix="antom-redis-"))
    port = free_port()
    log = root / "redis.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(root), "--protected-mode", "no"],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, "redis-server exited: " + log.read_text()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not answer PING: " + log.read_text()
            time.sleep(0.05)
        yield Redis(port, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
