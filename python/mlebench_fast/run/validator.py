"""The validation server an agent reaches at http://localhost:5000.

It runs in its own container, the only one that holds the competition's answers; the agent's
container shares just its network namespace. `POST /validate` with a CSV (a multipart form
field, as `curl -F file=@x.csv` sends, or the raw file as the body) answers
`{"valid": true|false, "result": "..."}` with the reason when invalid, and never a score.
`GET /health` answers `{"status": "running"}`.

It is bounded so that an agent cannot use it to get around its own container's limits: a
request body larger than `--max-upload` is refused unread, one upload is received and graded
at a time (the others wait for it), bodies are stored in /tmp (a size-limited tmpfs in the
harness's container) and a connection idle for IDLE_TIMEOUT seconds is closed.

    python -m mlebench_fast.run.validator --competition ID --data-dir /private/data
"""

from __future__ import annotations

import argparse
import errno
import json
import mmap
import os
import re
import sys
import tempfile
import threading
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

VALID_TEXT = "Submission is valid."
INVALID_PREFIX = "Submission invalid! "
MAX_CONNECTIONS = 32  # at once; more are closed unanswered (each is a thread, under the pids limit)
UPLOAD_WAIT = 300.0  # seconds an upload waits for the one in progress before a 503
IDLE_TIMEOUT = 120.0  # seconds a connection may send nothing
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """Control characters (a terminal's escape sequences among them) written as \\xNN, so that
    what a client sends cannot rewrite validator.log or the terminal that shows it."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class BadRequest(ValueError):
    pass


class UploadRefused(BadRequest):
    """Refused before the body is read, with its HTTP status (the connection is closed)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def validate_submission(path: Path, competition_id: str, data_dir: Path) -> dict[str, Any]:
    """Grade the file and keep only the verdict: valid or not, and why not. The score the
    grader computes is dropped here and never leaves this function."""
    from mlebench_fast.grading import grade_csv

    report = grade_csv(path, competition_id, data_dir=data_dir)
    if report.valid_submission:
        return {"valid": True, "result": VALID_TEXT}
    return {"valid": False, "result": INVALID_PREFIX + (report.error or "the grader rejected it")}


def _header_params(value: str) -> Message:
    msg = Message()
    msg["content-type"] = value
    return msg


def _boundary(content_type: str) -> bytes | None:
    msg = _header_params(content_type)
    if msg.get_content_type() != "multipart/form-data":
        return None
    boundary = msg.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise BadRequest("multipart body without a boundary")
    return boundary.encode("latin-1")


def _disposition(headers: bytes) -> tuple[str | None, str | None]:
    for line in headers.decode("latin-1").split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() == "content-disposition":
            msg = _header_params("x/x; " + value.strip().partition(";")[2])
            name, filename = msg.get_param("name"), msg.get_param("filename")
            return (name if isinstance(name, str) else None, filename if isinstance(filename, str) else None)
    return None, None


def strip_to_upload(body_path: Path, content_type: str) -> None:
    """Reduce a saved request body to the uploaded file, in place (so /tmp never holds two
    copies): the multipart field `file` (else the first field with a filename), or the
    whole body when it is not multipart."""
    boundary = _boundary(content_type)
    if boundary is None:
        return
    size = body_path.stat().st_size
    if size == 0:
        raise BadRequest("empty multipart body")
    delimiter = b"--" + boundary
    with open(body_path, "r+b") as body:
        with mmap.mmap(body.fileno(), 0) as m:
            pos = m.find(delimiter)
            chosen: tuple[int, int] | None = None
            while pos != -1:
                head_start = pos + len(delimiter)
                if m[head_start : head_start + 2] == b"--":
                    break  # closing delimiter
                head_end = m.find(b"\r\n\r\n", head_start)
                if head_end == -1:
                    break
                data_start = head_end + 4
                nxt = m.find(b"\r\n" + delimiter, data_start)
                if nxt == -1:
                    raise BadRequest("multipart body is truncated")
                name, filename = _disposition(m[head_start:head_end])
                if name == "file":
                    chosen = (data_start, nxt)
                    break
                if chosen is None and filename is not None:
                    chosen = (data_start, nxt)
                pos = nxt + 2
            if chosen is None:
                raise BadRequest('no file in the form: send it as the field "file" (curl -F "file=@submission.csv")')
            m.move(0, chosen[0], chosen[1] - chosen[0])
            m.flush()
        body.truncate(chosen[1] - chosen[0])


class ValidationServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], competition_id: str, data_dir: Path, max_upload: int):
        super().__init__(address, Handler)
        self.competition_id = competition_id
        self.data_dir = data_dir
        self.max_upload = max_upload
        # one upload received and graded at a time: /tmp and memory hold one submission
        self.upload_slot = threading.Lock()
        self.connections = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.connections.acquire(blocking=False):
            self.shutdown_request(request)  # too many at once: closed, no thread started
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connections.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()


class Handler(BaseHTTPRequestHandler):
    server: ValidationServer
    server_version = "mlebench-fast-validator"
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT

    def log_message(self, fmt: str, *args: Any) -> None:
        sys.stdout.write(f"{self.log_date_time_string()} {escape_controls(fmt % args)}\n")
        sys.stdout.flush()

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = (json.dumps(payload) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/health":
            self._reply(200, {"status": "running"})
        else:
            self._reply(404, {"error": "not found; use GET /health or POST /validate"})

    def do_POST(self) -> None:
        if self.path.split("?")[0] != "/validate":
            self._drain()
            self._reply(404, {"error": "not found; use POST /validate"})
            return
        try:
            payload = self._validate()
        except UploadRefused as e:
            self._reply(e.status, {"error": str(e)})
            return
        except BadRequest as e:
            self._reply(400, {"error": str(e)})
            return
        except Exception as e:  # the server must keep serving whatever one request does
            self._reply(500, {"error": f"validation failed unexpectedly: {e}"})
            return
        self.log_message("validate: %s", "valid" if payload["valid"] else "invalid")
        self._reply(200, payload)

    def _drain(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 20))
            if not chunk:
                break
            length -= len(chunk)

    def _validate(self) -> dict[str, Any]:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise BadRequest("send the file with a Content-Length (no chunked encoding)")
        raw_length = self.headers.get("Content-Length")
        if raw_length is None or not raw_length.isdigit():
            self.close_connection = True
            raise BadRequest("a Content-Length header is required")
        length = int(raw_length)
        if length > self.server.max_upload:
            self.close_connection = True
            raise UploadRefused(413, f"the upload is larger than {self.server.max_upload} bytes")
        slot = self.server.upload_slot
        if not slot.acquire(blocking=False):
            self.log_message("validate: waits for the upload in progress")
            if not slot.acquire(timeout=UPLOAD_WAIT):
                self.close_connection = True
                raise UploadRefused(503, f"another upload has been validated for over {UPLOAD_WAIT:.0f}s; try again later")
        try:
            with tempfile.TemporaryDirectory() as tmp:
                body_path = Path(tmp) / "submission.csv"
                self._receive(body_path, length)
                strip_to_upload(body_path, self.headers.get("Content-Type", ""))
                return validate_submission(body_path, self.server.competition_id, self.server.data_dir)
        finally:
            slot.release()

    def _receive(self, path: Path, length: int) -> None:
        try:
            with open(path, "wb", buffering=0) as body:  # each chunk on the tmpfs as it comes
                remaining = length
                while remaining > 0:
                    chunk = self.rfile.read1(min(remaining, 1 << 20))
                    if not chunk:
                        self.close_connection = True
                        raise BadRequest("the request body ended early")
                    body.write(chunk)
                    remaining -= len(chunk)
        except OSError as e:
            self.close_connection = True
            if e.errno == errno.ENOSPC:
                raise BadRequest("the validator has no room for this upload") from None
            raise


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve /validate and /health for one competition.")
    parser.add_argument("--competition", required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--max-upload", type=int, help="bytes of one request body (default: from the answers' size)")
    args = parser.parse_args(argv)
    from mlebench_fast.registry import get_competition

    comp = get_competition(args.competition)
    answers = comp.answers_path(args.data_dir)
    if not answers.is_file():
        sys.exit(f"answers of {args.competition} not found at {answers}")
    if args.max_upload is None:
        from mlebench_fast.run.limits import RunLimits

        args.max_upload = RunLimits().for_validator(answers.stat().st_size, 0).max_upload
    server = ValidationServer((args.host, args.port), args.competition, args.data_dir, args.max_upload)
    print(f"validating {args.competition} submissions on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    os._exit(0)


if __name__ == "__main__":
    main()
