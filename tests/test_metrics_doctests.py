"""The ``Examples`` sections of ``mlebench_fast.metrics`` run as tests, on the installed module.

Each public function shows a normal call and, where its docstring has an "Edge cases"
paragraph, at least one example more than that paragraph has clauses (``;``-separated), so a
documented edge case without an example is noticed.
"""

from __future__ import annotations

import doctest
import inspect
import re

import pytest

from mlebench_fast import metrics

FLAGS = doctest.ELLIPSIS  # long error messages end in "..."
EDGE_CASES = re.compile(r"Edge cases(?: \([^)]*\))?:(.*?)(?:\n\n|\Z)", re.S)


def examples(name: str) -> list[doctest.Example]:
    return doctest.DocTestParser().get_examples(inspect.getdoc(getattr(metrics, name)) or "")


def examples_needed(name: str) -> int:
    """One normal call, plus one example per clause of the "Edge cases" paragraph."""
    found = EDGE_CASES.search(inspect.getdoc(getattr(metrics, name)) or "")
    return 1 + (len(found.group(1).split(";")) if found else 0)


def docstring_tests() -> dict[str, doctest.DocTest]:
    return {t.name.removeprefix("mlebench_fast.metrics."): t for t in doctest.DocTestFinder().find(metrics) if t.examples}


def run(test: doctest.DocTest) -> tuple[doctest.TestResults, str]:
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, out=out.append)
    return runner.summarize(verbose=False), "".join(out)


def test_every_public_function_has_examples():
    lacking = [name for name in metrics.__all__ if not examples(name)]
    assert not lacking, f"public functions without an Examples section: {', '.join(lacking)}"


def test_every_documented_edge_case_has_an_example():
    short = {name: (len(examples(name)), examples_needed(name)) for name in metrics.__all__}
    short = {name: counts for name, counts in short.items() if counts[0] < counts[1]}
    assert not short, "fewer examples than a normal call plus one per edge case: " + ", ".join(
        f"{name} ({have} of {need})" for name, (have, need) in short.items()
    )


@pytest.mark.parametrize("name", sorted(docstring_tests()))
def test_examples_pass(name):
    results, report = run(docstring_tests()[name])
    assert results.attempted > 0
    assert results.failed == 0, report


def test_a_wrong_example_fails():
    """The runner reports a wrong expected value (guards against examples that never run)."""
    test = doctest.DocTestParser().get_doctest(">>> roc_auc([0, 1], [0.2, 0.8])\n0.5\n", vars(metrics), "wrong", None, 0)
    results, report = run(test)
    assert results.failed == 1 and "Expected:\n    0.5\nGot:\n    1.0" in report
