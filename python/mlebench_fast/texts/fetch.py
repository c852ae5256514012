"""`mlebench-fast texts fetch`: get the reference's texts, check every sha256, store them.

Sources, tried in order for each text still missing from the cache:
- `--from DIR`: a checkout of the reference (or its installed `mlebench` package folder);
- `--from URL`: a URL pattern with `{path}` (and optionally `{commit}`), or a base URL the
  file's path is appended to;
- by default an installed `mlebench` package (found with importlib; a text it holds at another
  commit does not verify and is fetched instead), then the manifest's pinned public URLs.

A text whose bytes differ from the manifest is never stored; the failure names the file.
"""

from __future__ import annotations

import importlib.util
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .manifest import Manifest, TextsError
from .store import VERIFIED, mismatch, state, store

TIMEOUT_SECONDS = 30
PACKAGE_PREFIX = "mlebench/"


class Missing(Exception):
    """The source does not have this text."""


class Unreachable(Exception):
    """The source cannot be reached at all (no point asking it for the other texts)."""


class FileSource:
    """A checkout of the reference, or its `mlebench` package folder (installed or not): the
    package's files are looked up in it, the other texts beside it (an editable install)."""

    def __init__(self, root: Path, label: str | None = None):
        root = Path(root)
        if (root / "competitions").is_dir() and not (root / "mlebench").is_dir():
            self.package, self.checkout = root, root.parent
        else:
            self.package, self.checkout = root / "mlebench", root
        self.label = label or str(root)

    def where(self, path: str) -> Path:
        if path.startswith(PACKAGE_PREFIX):
            return self.package / path[len(PACKAGE_PREFIX) :]
        return self.checkout / path

    def get(self, path: str, limit: int) -> bytes:
        file = self.where(path)
        try:
            with open(file, "rb") as f:
                return f.read(limit)
        except FileNotFoundError:
            raise Missing(f"not found in {self.label} ({file})") from None
        except OSError as e:
            raise Missing(f"cannot read {file}: {e.strerror or e}") from None


class UrlSource:
    def __init__(self, pattern: str, commit: str):
        self.pattern, self.commit = pattern, commit
        self.label = pattern

    def url(self, path: str) -> str:
        if "{path}" in self.pattern:
            return self.pattern.format(commit=self.commit, path=path)
        return self.pattern.rstrip("/") + "/" + path

    def get(self, path: str, limit: int) -> bytes:
        url = self.url(path)
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
                return response.read(limit)
        except urllib.error.HTTPError as e:
            raise Missing(f"{url} answered HTTP {e.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", None) or e
            host = urllib.parse.urlsplit(url).netloc or url
            raise Unreachable(f"cannot reach {host} ({reason})") from None


def installed_package_dir() -> Path | None:
    """The folder of an installed `mlebench` (the reference's package), if there is one."""
    try:
        spec = importlib.util.find_spec("mlebench")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder if (folder / "competitions").is_dir() else None


def sources_for(manifest: Manifest, from_: str | None) -> list[FileSource | UrlSource]:
    if from_ is not None:
        if from_.startswith(("http://", "https://")):
            return [UrlSource(from_, manifest.commit)]
        if not Path(from_).is_dir():
            raise TextsError(f"--from {from_}: not a folder or an http(s) URL")
        return [FileSource(Path(from_))]
    sources: list[FileSource | UrlSource] = []
    package = installed_package_dir()
    if package is not None:
        sources.append(FileSource(package, f"the installed mlebench package ({package})"))
    sources.append(UrlSource(manifest.raw_url, manifest.commit))
    return sources


@dataclass
class FetchResult:
    total: int
    fetched: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line each, naming the file
    not_fetched: int = 0  # texts that failed (some share one failure line: an unreachable host)


def fetch(manifest: Manifest, from_: str | None = None, progress: Callable[[str], None] | None = None) -> FetchResult:
    """Fetch every text of the manifest the cache does not hold verified yet."""
    sources = sources_for(manifest, from_)
    result = FetchResult(total=len(manifest.files))
    dead: dict[int, str] = {}  # index of an unreachable source -> its failure
    unreachable_counts: dict[int, int] = {}
    for path, entry in manifest.files.items():
        if state(manifest, path) == VERIFIED:
            result.already.append(path)
            continue
        problems: list[str] = []
        stored = False
        for i, source in enumerate(sources):
            if i in dead:
                unreachable_counts[i] += 1
                continue
            try:
                data = source.get(path, entry.size + 1)
            except Missing as e:
                problems.append(str(e))
                continue
            except Unreachable as e:
                dead[i], unreachable_counts[i] = str(e), 1
                continue
            problem = mismatch(entry, data)
            if problem is not None:
                problems.append(f"{source.label} has {problem}")
                continue
            store(manifest, path, data)
            result.fetched.append(path)
            stored = True
            if progress is not None:
                progress(path)
            break
        if not stored:
            result.not_fetched += 1
            if problems:
                result.failures.append(f"{path}: {'; '.join(problems)}")
    for i, message in dead.items():
        result.failures.append(f"{message}: {unreachable_counts[i]} text(s) not fetched from {sources[i].label}")
    return result
