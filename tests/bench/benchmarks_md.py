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
