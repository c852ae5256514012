"""billion-word-imputation: train_v2.txt (~4 GB, 30,301,028 lines) is streamed once. As in
the reference, every line draws `uniform()` from one `np.random.RandomState(0)`; a line goes
to the test set when the draw is <= 0.01 and it has more than 2 words, and then draws
`randint(1, n_words - 1)`: the word removed from the public copy. All other lines are copied
to the public train file unchanged.

Reproducing that without a Python loop over 30M lines: the generator's 32-bit words are drawn
in bulk and the draws computed from them (`uniform()` is two words, `randint` is masked
rejection over single words and takes none when its range is one value), so that only the
~1% of lines whose draw is <= 0.01 are looked at in Python; the train lines are written as
byte ranges between the test lines. The file is read as the reference's text mode reads it
(universal newlines: a CR or CRLF ends a line and is written as LF)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np

from .. import archive
from ..progress import Progress
from ..recipe import Context, RecipeError
from .raw_inputs import need

TOTAL_LINES = 30_301_028  # hard-coded (and asserted) by the reference
TEST_DRAW = 0.01
BLOCK_BYTES = 1 << 26
WORD_MARGIN = 1 << 16  # spare generator words per pass, for the randint draws of test lines


class _Words:
    """The 32-bit outputs of `np.random.RandomState(0)`'s MT19937, drawn in bulk; `pos` is
    the next unused one."""

    def __init__(self, seed: int = 0) -> None:
        self._rs = np.random.RandomState(seed)
        self._buf = np.zeros(0, dtype=np.uint64)
        self._start = 0  # stream index of _buf[0]
        self.pos = 0

    def window(self, n: int) -> np.ndarray:
        """The next `n` words (not consumed), as uint64."""
        end = self.pos + n
        if end > self._start + len(self._buf):
            keep = self._buf[self.pos - self._start :]
            extra = self._rs.randint(0, 1 << 32, size=max(n - len(keep), 1 << 20), dtype=np.uint32)
            self._buf = np.concatenate([keep, extra.astype(np.uint64)])
            self._start = self.pos
        return self._buf[self.pos - self._start : end - self._start]


def _uniforms(words: np.ndarray, n: int) -> np.ndarray:
    """`uniform()` of the pairs (words[2i], words[2i+1]), i < n (MT19937's next_double)."""
    a = words[0 : 2 * n : 2] >> np.uint64(5)
    b = words[1 : 2 * n : 2] >> np.uint64(6)
    return (a.astype(np.float64) * 67108864.0 + b.astype(np.float64)) / 9007199254740992.0


def _randint_from(words: np.ndarray, at: int, low: int, high: int) -> tuple[int, int]:
    """Legacy `randint(low, high)` (int64, masked rejection) from words[at:]: (value, words used)."""
    rng = high - 1 - low
    if rng == 0:
        return low, 0
    mask = (1 << rng.bit_length()) - 1
    used = 0
    while True:
        if at + used >= len(words):
            raise IndexError
        value = int(words[at + used]) & mask
        used += 1
        if value <= rng:
            return low + value, used


class _Split:
    def __init__(self, train, public_test, private_test) -> None:
        self.train, self.public_test, self.private_test = train, public_test, private_test
        self.words = _Words(0)
        self.n_lines = self.n_test = 0

    def _test_line(self, raw: bytes) -> str | None:
        """The stripped, quote-doubled sentence when the line has more than two words."""
        text = raw.decode("utf-8")
        if len(text.strip().split()) <= 2:
            return None
        return text.strip().replace('"', '""')

    def lines(self, data: bytes, starts: np.ndarray, ends: np.ndarray) -> None:
        """Route the lines data[starts[i]:ends[i]] (ends include the newline)."""
        view = memoryview(data)
        m = len(starts)
        j = 0  # next line to route
        copied = int(starts[0]) if m else 0  # data before this offset is written or skipped
        margin = WORD_MARGIN
        while j < m:
            n = m - j
            words = self.words.window(2 * n + margin)
            # with `extra` words taken by randint draws so far in this pass, line j+i's
            # draw is the pair of words (2i+extra, 2i+extra+1): pairs of both parities
            n_pairs = (len(words) - 1) // 2
            pairs = (_uniforms(words, n_pairs), _uniforms(words[1:], n_pairs))
            hits = (np.flatnonzero(pairs[0] <= TEST_DRAW), np.flatnonzero(pairs[1] <= TEST_DRAW))
            extra = 0
            i = 0
            while True:
                parity, half = extra % 2, extra // 2
                reach = min(n, n_pairs - half)  # lines j+i, i < reach, have their pair here
                k = int(np.searchsorted(hits[parity], i + half))
                nxt = int(hits[parity][k]) - half if k < len(hits[parity]) else reach
                if nxt >= reach:
                    i = reach  # no test line before `reach` (the rest, or a refill)
                    break
                i = nxt
                line = j + i
                sentence = self._test_line(data[starts[line] : ends[line]])
                if sentence is None:
                    i += 1
                    continue
                words_of = sentence.split()
                try:
                    index, used = _randint_from(words, 2 * i + extra + 2, 1, len(words_of) - 1)
                except IndexError:  # out of spare words: line j+i is redone with a new window
                    if i == 0:
                        margin *= 2  # (a window too small for even one draw)
                    break
                self.train.write(view[copied : int(starts[line])])
                copied = int(ends[line])
                self.private_test.write(f'{self.n_test},"{sentence}"\n')
                removed = " ".join(words_of[:index] + words_of[index + 1 :])
                self.public_test.write(f'{self.n_test},"{removed}"\n')
                self.n_test += 1
                extra += used
                i += 1
            self.words.pos += 2 * i + extra
            j += i
        if m:
            self.train.write(view[copied : int(ends[m - 1])])
        self.n_lines += m


def _blocks(path: Path):
    """Text-mode (universal newline) content of the file as LF-separated bytes, in blocks
    that end after a newline (the last one may end without)."""
    carry = b""
    with open(path, "rb") as f:
        while True:
            block = f.read(BLOCK_BYTES)
            eof = not block
            data = carry + block
            if not data:
                return
            if b"\r" in data:
                if data.endswith(b"\r") and not eof:
                    data, tail = data[:-1], b"\r"  # may be the CR of a CRLF
                else:
                    tail = b""
                data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            else:
                tail = b""
            if eof:
                yield data
                return
            cut = data.rfind(b"\n") + 1
            carry = data[cut:] + tail
            if cut:
                yield data[:cut]


def prepare(ctx: Context) -> None:
    (train_zip,) = need(ctx, "train_v2.txt.zip")
    archive.extract(train_zip, ctx.raw)
    (train_txt,) = need(ctx, "train_v2.txt")
    public_train, public_test = ctx.public / "train_v2.txt", ctx.public / "test_v2.txt"
    private_test = ctx.private / "test.csv"
    bar = Progress("Splitting train_v2.txt", TOTAL_LINES, unit="lines")
    with (
        open(public_train, "wb") as train_out,
        open(public_test, "w", encoding="utf-8") as public_out,
        open(private_test, "w", encoding="utf-8") as private_out,
    ):
        public_out.write('"id","sentence"\n')
        private_out.write('"id","sentence"\n')
        split = _Split(train_out, public_out, private_out)
        for data in _blocks(train_txt):
            arr = np.frombuffer(data, dtype=np.uint8)
            ends = np.flatnonzero(arr == 10) + 1
            if not data.endswith(b"\n"):
                ends = np.append(ends, len(data))
            starts = np.concatenate([[0], ends[:-1]]) if len(ends) else ends
            left = TOTAL_LINES - split.n_lines
            split.lines(data, starts[:left], ends[:left])
            bar.advance(min(len(ends), left))
            if split.n_lines >= TOTAL_LINES:
                break
    bar.close()
    if split.n_lines != TOTAL_LINES:
        raise RecipeError(f"train_v2.txt has {split.n_lines} lines; the reference expects (and asserts) {TOTAL_LINES}")
    shutil.copyfile(public_test, ctx.private / "sample_submission.csv")
    for path in (public_train, public_test):
        archive.zip_file(path, path.with_name(path.name + ".zip"), compression=zipfile.ZIP_DEFLATED)
        path.unlink()
