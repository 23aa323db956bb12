"""BENCHMARKS.md is shared by every benchmark: each one owns only the text between its own
`<!-- NAME:begin -->` and `<!-- NAME:end -->` markers, and rewrites that block alone.

Used by tests/bench/run.py, python/bench.py and python/bench/webhook.py (the JVM and Node.js
benchmarks follow the same marker rule in their own language).
"""

from __future__ import annotations

import re
from pathlib import Path


def replace_block(path: Path, name: str, body: str) -> None:
    """Replace the NAME block of PATH with BODY, or append the block if PATH has none."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def cpu_facts() -> str:
    """The CPU model and whether it has AVX-512 IFMA (AWS-LC's fastest RSA code path, which
    changes the ratios against OpenSSL and the JDK), from /proc/cpuinfo; "unknown" elsewhere."""
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return "CPU unknown (no /proc/cpuinfo), AVX-512 IFMA unknown"
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                  if line.startswith("model name")), "unknown CPU")
    flags = next((line.split(":", 1)[1].split() for line in info.splitlines()
                  if line.startswith("flags")), [])
    return f"{model}, AVX-512 IFMA {'present' if 'avx512ifma' in flags else 'absent'}"
