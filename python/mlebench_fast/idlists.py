"""Files of competition ids (`prepare --list`, `run --competition-set`, `report --split FILE`,
the reference's `experiments/splits/*.txt`): one id per line; blank lines and everything after
a `#` are skipped. One parser, so the three commands read the same file the same way."""

from __future__ import annotations

from pathlib import Path


def read_id_list(path: Path) -> list[str]:
    """The ids of `path` in file order (OSError / UnicodeDecodeError when it cannot be read)."""
    text = Path(path).read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]
