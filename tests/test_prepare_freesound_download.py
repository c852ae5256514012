"""freesound-audio-tagging-2019's meta zip download (`download_meta_zip`) against a local
http.server: success, a retry after a failed request, a wrong md5, an unreachable URL; and
the `freesound_meta_zip` option when the download lacks the meta zip."""

from __future__ import annotations

import hashlib
import io
import socket
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mlebench_fast.prepare.custom import freesound
from mlebench_fast.prepare.recipe import Context, RecipeError


def _small_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("FSDKaggle2019.meta/test_post_competition.csv", "fname,labels,usage,freesound_id,license\n")
    return buf.getvalue()


PAYLOAD = _small_zip()
PAYLOAD_MD5 = hashlib.md5(PAYLOAD).hexdigest()


class _Server:
    """Serves PAYLOAD at /meta.zip; the first `fail_first` requests get HTTP 503."""

    def __init__(self, fail_first: int = 0) -> None:
        state = {"requests": 0, "fail_first": fail_first}
        self.state = state

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                state["requests"] += 1
                if state["requests"] <= state["fail_first"]:
                    self.send_error(503, "try again")
                    return
                if self.path != "/meta.zip":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/zip")
                self.send_header("Content-Length", str(len(PAYLOAD)))
                self.end_headers()
                self.wfile.write(PAYLOAD)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/meta.zip"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "_Server":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def test_download_succeeds_and_checks_md5(tmp_path):
    dest = tmp_path / "raw" / "FSDKaggle2019.meta.zip"
    with _Server() as server:
        out = freesound.download_meta_zip(dest, url=server.url, md5=PAYLOAD_MD5, backoff=0)
    assert out == dest
    assert dest.read_bytes() == PAYLOAD
    assert server.state["requests"] == 1
    assert [p.name for p in dest.parent.iterdir()] == [dest.name]  # no temporary file left


def test_download_retries_after_a_failed_request(tmp_path):
    dest = tmp_path / "FSDKaggle2019.meta.zip"
    with _Server(fail_first=1) as server:
        freesound.download_meta_zip(dest, url=server.url, md5=PAYLOAD_MD5, retries=3, backoff=0)
    assert dest.read_bytes() == PAYLOAD
    assert server.state["requests"] == 2


def test_download_gives_up_after_the_retries(tmp_path):
    dest = tmp_path / "FSDKaggle2019.meta.zip"
    with _Server(fail_first=10) as server:
        with pytest.raises(RecipeError, match="3 attempts") as info:
            freesound.download_meta_zip(dest, url=server.url, retries=3, backoff=0)
    assert server.state["requests"] == 3
    assert "503" in str(info.value) and freesound.OPTION in str(info.value)
    assert not dest.exists() and list(tmp_path.iterdir()) == []


def test_wrong_md5_is_a_clear_error(tmp_path):
    dest = tmp_path / "FSDKaggle2019.meta.zip"
    with _Server() as server:
        with pytest.raises(RecipeError) as info:
            freesound.download_meta_zip(dest, url=server.url, md5="0" * 32, backoff=0)
    message = str(info.value)
    assert PAYLOAD_MD5 in message and "0" * 32 in message and freesound.OPTION in message
    assert server.state["requests"] == 1  # a different file is not fetched again
    assert not dest.exists() and list(tmp_path.iterdir()) == []


def test_unreachable_url_names_the_url_and_the_option(tmp_path):
    with socket.socket() as s:  # a port nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/FSDKaggle2019.meta.zip"
    dest = tmp_path / "FSDKaggle2019.meta.zip"
    with pytest.raises(RecipeError) as info:
        freesound.download_meta_zip(dest, url=url, retries=2, backoff=0, timeout=5)
    message = str(info.value)
    assert url in message and f"`{freesound.OPTION}`" in message
    assert not dest.exists() and list(tmp_path.iterdir()) == []


def _meta_zip_with_labels(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "FSDKaggle2019.meta/test_post_competition.csv",
            "fname,labels,usage,freesound_id,license\n"
            'a.wav,"Bark,Meow",Private,1,CC0\n'
            "b.wav,Bus,Public,2,CC0\n"
            "c.wav,Not_in_vocabulary,Private,3,CC0\n",
        )


def _context(tmp_path: Path, classes: list[str], options: dict) -> Context:
    raw, public, private = tmp_path / "raw", tmp_path / "public", tmp_path / "private"
    for folder in (raw, public, private):
        folder.mkdir()
    header = ",".join(["fname", *classes])
    zeros = ",".join(["0"] * len(classes))
    (raw / "sample_submission.csv").write_text(f"{header}\nc.wav,{zeros}\na.wav,{zeros}\n")
    (raw / "test.zip").write_bytes(b"not really a zip")
    return Context("freesound-audio-tagging-2019", raw, public, private, options=options)


def test_prepare_takes_the_meta_zip_from_the_option(tmp_path, monkeypatch):
    classes = ["Bark", "Bus", "Meow"] + [f"Class_{i}" for i in range(freesound.N_CLASSES - 3)]
    given = tmp_path / "given.zip"
    _meta_zip_with_labels(given)
    ctx = _context(tmp_path, classes, {freesound.OPTION: str(given)})

    def no_download(*args, **kwargs):
        raise AssertionError("must not download when the option names the file")

    monkeypatch.setattr(freesound, "download_meta_zip", no_download)
    freesound.prepare(ctx)
    lines = (ctx.private / "test.csv").read_text().splitlines()
    assert lines[0] == ",".join(["fname", *classes])
    assert lines[1] == "a.wav,1,0,1," + ",".join(["0"] * (freesound.N_CLASSES - 3))
    assert lines[2] == "c.wav," + ",".join(["0"] * freesound.N_CLASSES)
    assert sorted(p.name for p in ctx.public.iterdir()) == ["sample_submission.csv", "test.zip"]


def test_prepare_downloads_when_the_meta_zip_is_nowhere(tmp_path, monkeypatch):
    classes = ["Bark", "Bus", "Meow"] + [f"Class_{i}" for i in range(freesound.N_CLASSES - 3)]
    ctx = _context(tmp_path, classes, {})
    calls = []

    def fake_download(dest, *args, **kwargs):
        calls.append(Path(dest))
        _meta_zip_with_labels(Path(dest))
        return Path(dest)

    monkeypatch.setattr(freesound, "download_meta_zip", fake_download)
    freesound.prepare(ctx)
    assert calls == [ctx.raw / "FSDKaggle2019.meta.zip"]
    assert (ctx.private / "test.csv").read_text().splitlines()[1].startswith("a.wav,1,0,1,")
    assert "FSDKaggle2019.meta.zip" not in {p.name for p in ctx.public.iterdir()}


def test_option_naming_a_missing_file_is_a_clear_error(tmp_path):
    ctx = _context(tmp_path, [f"C{i}" for i in range(freesound.N_CLASSES)], {freesound.OPTION: str(tmp_path / "nope.zip")})
    with pytest.raises(RecipeError, match=freesound.OPTION):
        freesound.prepare(ctx)
