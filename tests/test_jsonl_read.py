"""The submission JSONL is read in the core when it has its usual form, and by Python's json
otherwise: both ways give the same entries, and the odd files the same errors."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlebench_fast import _core, grading
from mlebench_fast.grading import JsonlError, read_submission_jsonl


def _both(tmp_path, monkeypatch, text: str):
    path = tmp_path / "s.jsonl"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))

    def read():
        try:
            return read_submission_jsonl(path)
        except JsonlError as e:
            return ("error", str(e))

    fast = read()
    with monkeypatch.context() as m:
        m.setattr(grading._core, "usual_jsonl_entries", lambda text: None)
        general = read()
    return fast, general


USUAL = (
    '{"competition_id": "a", "submission_path": "/runs/x/submission.csv"}\r\n'
    "\n  \t\n# a note\n// another\n"
    '  {"competition_id": "b", "submission_path": null, "submission_error": "too large"}\n'
    '{"submission_path": "p.csv", "competition_id": "c", "competition_id": "d", "extra": [1, 2.5, {"k": true}]}\n'
)


def test_the_usual_form_is_read_in_the_core(tmp_path, monkeypatch):
    assert _core.usual_jsonl_entries(USUAL) is not None
    fast, general = _both(tmp_path, monkeypatch, USUAL)
    assert fast == general
    assert [e.competition_id for e in fast] == ["a", "b", "d"]
    assert fast[1].submission_path is None and fast[1].rejected == "too large"


@pytest.mark.parametrize(
    "text",
    [
        '{"competition_id": 5, "submission_path": 7}\n',
        '{"competition_id": "a", "submission_path": "x", "n": NaN}\n',
        '{"competition_id": "é", "submission_path": "ü.csv"}\n',
        '{"competition_id": "a"}\r{"competition_id": "b"}\n',
        '{"competition_id": "a"}\x0c\n',
        '{"competition_id": "a"\n',
        '["a", "b"]\n',
        '{"submission_path": "x"}\n',
        '{"competition_id": "a", "submission_path": "\\ud800"}\n',
        '{"competition_id": "a", "submission_path": {"p": 1}}\n',
    ],
)
def test_other_forms_read_as_before(tmp_path, monkeypatch, text):
    fast, general = _both(tmp_path, monkeypatch, text)
    assert fast == general


_texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@given(
    st.lists(
        st.fixed_dictionaries(
            {"competition_id": st.one_of(_texts, st.integers())},
            optional={"submission_path": st.one_of(st.none(), _texts), "submission_error": st.one_of(st.none(), _texts)},
        ),
        max_size=6,
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_core_and_python_agree_on_drawn_files(tmp_path_factory, entries, newline, ascii_only):
    text = newline.join(json.dumps(e, ensure_ascii=ascii_only) for e in entries)
    path = tmp_path_factory.mktemp("j") / "s.jsonl"
    path.write_text(text, encoding="utf-8", newline="")

    def read():
        try:
            return read_submission_jsonl(path)
        except JsonlError as e:  # a line break of Python's inside a value, say
            return ("error", str(e))

    fast = read()
    original = grading._core.usual_jsonl_entries
    try:
        grading._core.usual_jsonl_entries = lambda text: None
        general = read()
    finally:
        grading._core.usual_jsonl_entries = original
    assert fast == general
