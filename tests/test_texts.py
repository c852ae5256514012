"""The texts agents read (issue 16), offline: synthetic "reference" texts whose sha256 sums the
test writes into a manifest of its own ($MLEBENCH_FAST_TEXTS_MANIFEST), served from a folder
and from an HTTP server on 127.0.0.1; a verified fetch, a corrupted, a missing and an
unreachable text; the fallback task card; the prepared folder and the image's build context
holding the verified bytes; the runs' provenance and the report's mark."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from functools import partial
from pathlib import Path

import pytest

from run_helpers import TITANIC, make_titanic
from test_prepare import ID, competitions_dir, raw_zip  # noqa: F401  (fixtures)
from test_report import write_seed, write_split

from mlebench_fast import report as rep
from mlebench_fast import texts
from mlebench_fast.prepare import pipeline
from mlebench_fast.registry import get_competition
from mlebench_fast.run import images
from mlebench_fast.run.harness import Harness, RunSettings
from mlebench_fast.run.runner import obfuscation_problems
from mlebench_fast.texts import store, task_card

COMMIT = "0123456789abcdef0123456789abcdef01234567"
# Synthetic stand-ins for the reference's texts (never the real ones), at the reference's paths.
TEXTS = {
    "environment/instructions.txt": b"Synthetic benchmark instructions.\nRead /home/data/description.md.\n",
    "environment/instructions_obfuscated.txt": b"Synthetic obfuscated instructions.\n",
    "agents/aide/additional_notes.txt": b"Synthetic notes for ${TIME_LIMIT}.\n",
    f"mlebench/competitions/{TITANIC}/description.md": "# Synthetic Titanic \u2014 overview\n\nPredict it.\n".encode(),
    f"mlebench/competitions/{TITANIC}/description_obfuscated.md": b"# Task\n\nPredict the thing.\n",
    f"mlebench/competitions/{ID}/description.md": b"# Synthetic Competition (reference text)\n",
    f"mlebench/competitions/{ID}/description_obfuscated.md": b"# Obfuscated synthetic competition\n",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_manifest(path: Path, files: dict[str, bytes], raw_url: str) -> Path:
    path.write_text(
        json.dumps(
            {
                "repository": "openai/mle-bench",
                "commit": COMMIT,
                "raw_url": raw_url,
                "files": {p: {"sha256": _sha(d), "bytes": len(d)} for p, d in files.items()},
            }
        )
    )
    return path


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(tmp_path: Path, monkeypatch) -> dict:
    """A synthetic manifest (its pinned URL unreachable), an empty user cache, a fresh warning."""
    manifest = write_manifest(tmp_path / "manifest.json", TEXTS, f"http://127.0.0.1:{closed_port()}/{{commit}}/{{path}}")
    monkeypatch.setenv(texts.MANIFEST_ENV, str(manifest))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(texts, "_warned", False)
    return {"manifest": manifest, "cache": tmp_path / "cache" / "mlebench-fast" / "texts" / COMMIT}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A local 'checkout of the reference' holding the synthetic texts."""
    return write_tree(tmp_path / "checkout", TEXTS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path):
    """An HTTP server on 127.0.0.1 serving <root>/<commit>/<path>, like the pinned raw URLs."""
    root = tmp_path / "served"
    write_tree(root / COMMIT, TEXTS)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"root": root / COMMIT, "url": f"http://127.0.0.1:{httpd.server_address[1]}"}
    httpd.shutdown()
    httpd.server_close()


def cli(*args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlebench_fast.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env_extra or {})},
        timeout=300,
    )


def cached(env: dict) -> dict[str, bytes]:
    root = env["cache"]
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()} if root.is_dir() else {}


# ------------------------------------------------------------------ fetch and status


def test_fetch_from_a_directory_stores_every_text_verified(env, checkout) -> None:
    result = cli("texts", "fetch", "--from", str(checkout))
    assert result.returncode == 0, result.stderr
    assert f"{len(TEXTS)} fetched and verified, 0 already verified, 0 not fetched" in result.stdout
    assert cached(env) == TEXTS
    status = cli("texts", "status")
    assert status.returncode == 0 and "all texts verified" in status.stdout
    assert "description.md: 2 of 2 verified" in status.stdout
    again = cli("texts", "fetch", "--from", str(checkout))
    assert again.returncode == 0 and f"0 fetched and verified, {len(TEXTS)} already verified" in again.stdout


def test_fetch_from_the_pinned_url_pattern_and_from_a_base_url(env, server) -> None:
    # the default source: the manifest's raw_url with {commit} and {path}, here on 127.0.0.1
    write_manifest(env["manifest"], TEXTS, server["url"] + "/{commit}/{path}")
    result = cli("texts", "fetch")
    assert result.returncode == 0, result.stderr
    assert cached(env) == TEXTS
    # --from URL without {path}: the path is appended
    for p in env["cache"].rglob("*.md"):
        p.unlink()
    result = cli("texts", "fetch", "--from", f"{server['url']}/{COMMIT}/")
    assert result.returncode == 0, result.stderr
    assert "4 fetched and verified" in result.stdout and cached(env) == TEXTS


def test_a_corrupted_text_is_an_error_naming_it_and_never_stored(env, checkout, server) -> None:
    bad = f"mlebench/competitions/{TITANIC}/description.md"
    for root in (checkout, server["root"]):
        data = (root / bad).read_bytes()
        (root / bad).write_bytes(data[:-2] + b"?\n")  # same size, other bytes
    for source in (str(checkout), f"{server['url']}/{{commit}}/{{path}}"):
        result = cli("texts", "fetch", "--from", source)
        assert result.returncode == 1
        (line,) = [l for l in result.stderr.splitlines() if bad in l]
        assert "sha256" in line and _sha(TEXTS[bad]) in line
        assert "1 of 7 texts could not be fetched and verified; nothing unverified was stored" in result.stderr
        assert "Traceback" not in result.stderr
        assert bad not in cached(env) and len(cached(env)) == len(TEXTS) - 1
    status = cli("texts", "status", "--list")
    assert f"missing   {bad}" in status.stdout and "1 text(s) not verified" in status.stdout


def test_a_missing_text_is_an_error_naming_it(env, checkout, server) -> None:
    gone = "environment/instructions_obfuscated.txt"
    (checkout / gone).unlink()
    (server["root"] / gone).unlink()
    result = cli("texts", "fetch", "--from", str(checkout))
    assert result.returncode == 1 and f"error: {gone}: not found in {checkout}" in result.stderr
    result = cli("texts", "fetch", "--from", server["url"] + "/{commit}/{path}")
    assert result.returncode == 1 and f"error: {gone}: {server['url']}/{COMMIT}/{gone} answered HTTP 404" in result.stderr
    assert gone not in cached(env) and len(cached(env)) == len(TEXTS) - 1


def test_an_unreachable_url_is_one_clear_error(env) -> None:
    port = closed_port()
    result = cli("texts", "fetch", "--from", f"http://127.0.0.1:{port}/")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [l for l in result.stderr.splitlines() if l.startswith("error:")]
    assert len(errors) == 2, errors  # the host, once; then the summary
    assert f"cannot reach 127.0.0.1:{port}" in errors[0] and f"{len(TEXTS)} text(s) not fetched" in errors[0]
    assert cached(env) == {}
    # the default (pinned URL) unreachable too: same single error
    result = cli("texts", "fetch")
    assert result.returncode == 1 and "cannot reach 127.0.0.1" in result.stderr
    bad = cli("texts", "fetch", "--from", str(env["manifest"].parent / "nowhere"))
    assert bad.returncode == 1 and bad.stderr.strip().endswith("not a folder or an http(s) URL")


def test_an_installed_mlebench_package_is_found_by_itself(env, tmp_path: Path, server) -> None:
    # an editable install: site/mlebench/ is the package, the other texts are beside it
    site = tmp_path / "site"
    write_tree(site, TEXTS)
    (site / "mlebench" / "__init__.py").write_text("")
    other = f"mlebench/competitions/{TITANIC}/description_obfuscated.md"
    (site / other).write_bytes(b"the same text at another commit\n")
    write_manifest(env["manifest"], TEXTS, server["url"] + "/{commit}/{path}")
    path = {"PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    result = cli("texts", "fetch", env_extra=path)
    assert result.returncode == 0, result.stderr
    assert cached(env) == TEXTS  # the differing one came from the URL
    (server["root"] / "environment" / "instructions.txt").unlink()  # the URL cannot help now
    (env["cache"] / "environment" / "instructions.txt").unlink()
    result = cli("texts", "fetch", env_extra=path)
    assert result.returncode == 0, result.stderr  # from the package
    assert cached(env) == TEXTS


def test_a_cached_text_altered_later_is_never_used(env, checkout, tmp_path: Path) -> None:
    assert cli("texts", "fetch", "--from", str(checkout)).returncode == 0
    assert texts.instructions_bytes() == TEXTS["environment/instructions.txt"]
    (env["cache"] / "environment" / "instructions.txt").write_bytes(b"tampered\n")
    assert texts.instructions_bytes() == (Path(images.files_dir()) / "instructions.txt").read_bytes()
    status = cli("texts", "status")
    assert "instructions.txt: 0 of 1 verified, 1 corrupt" in status.stdout
    assert "corrupt: environment/instructions.txt (not used" in status.stdout


def test_the_shipped_manifest_holds_every_competition_and_no_text() -> None:
    manifest = json.loads((Path(texts.__file__).parent / "reference_texts.json").read_text())
    from mlebench_fast.registry import competition_ids

    for cid in competition_ids():
        for obfuscated in (False, True):
            assert texts.description_path(cid, obfuscated) in manifest["files"]
    assert {"environment/instructions.txt", "environment/instructions_obfuscated.txt"} <= set(manifest["files"])
    assert "{commit}" in manifest["raw_url"] and "{path}" in manifest["raw_url"]
    assert all(set(e) == {"sha256", "bytes"} and len(e["sha256"]) == 64 for e in manifest["files"].values())


# ------------------------------------------------------------------ the task card


def test_the_fallback_task_card_states_the_facts(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    public = data / TITANIC / "prepared" / "public"
    (public / "train").mkdir()
    for i in range(3):
        (public / "train" / f"img{i}.jpg").write_bytes(b"x")
    (public / "notes.csv").write_text('id,text\n1,"two\nlines"\n2,plain\n')
    comp = get_competition(TITANIC)
    card = task_card.task_card(comp, public)
    assert card.startswith("# Spaceship Titanic\n")
    assert "Predict `Transported` for every `PassengerId` of the sample submission `sample_submission.csv`." in card
    assert "scored with `accuracy` (higher is better): it rewards the fraction of rows" in card
    assert "- `train.csv`: 40 rows, 3 columns: `PassengerId`, `HomePlanet`, `Transported`" in card
    assert "- `test.csv`: 24 rows, 2 columns: `PassengerId`, `HomePlanet`" in card
    assert "- `notes.csv`: 2 rows, 2 columns" in card  # a quoted newline is not a row
    assert "- `train/`: a folder of 3 files: .jpg (3)" in card
    assert "columns `PassengerId`, `Transported` and one row per line of the sample submission (24 rows)" in card
    assert "```\nPassengerId,Transported\n0000_01,False\n0001_01,False\n0002_01,False\n```" in card
    assert "description.md" not in card.split("## Files")[1]
    # the obfuscated card does not name the competition
    hidden = task_card.task_card(comp, public, obfuscated=True)
    assert hidden.startswith("# Task\n") and "Spaceship" not in hidden and TITANIC not in hidden
    assert "`Transported`" in hidden and "(24 rows)" in hidden
    # a big CSV's rows are counted as lines, and said to be approximate
    monkeypatch.setattr(task_card, "EXACT_COUNT_LIMIT", 0)
    assert "- `train.csv`: about 40 rows, 3 columns" in task_card.task_card(comp, public)


def test_a_lower_is_better_metric_says_so(tmp_path: Path) -> None:
    comp = get_competition("leaf-classification")
    public = tmp_path / "public"
    public.mkdir()
    (public / "sample_submission.csv").write_text("id,Acer,Alnus\n1,0.5,0.5\n")
    card = task_card.task_card(comp, public)
    assert "`multi-class-log-loss` (lower is better)" in card
    assert "Predict `Acer`, `Alnus` for every `id`" in card


def test_a_sample_submission_the_csv_module_cannot_read_still_gets_a_card(tmp_path: Path) -> None:
    comp = get_competition(TITANIC)
    public = tmp_path / "public"
    public.mkdir()
    (public / "sample_submission.csv").write_text("PassengerId,Transported\n1," + "x" * 200_000 + "\n")
    card = task_card.task_card(comp, public)
    assert "A CSV file in the format of the sample submission `sample_submission.csv`." in card
    assert "- `sample_submission.csv`: a CSV file of 195.3 KiB (not read: field larger than field limit" in card


# ------------------------------------------------------------------ prepare


def _fetch_synthetic(checkout: Path) -> None:
    result = cli("texts", "fetch", "--from", str(checkout))
    assert result.returncode == 0, result.stderr


def test_prepare_writes_the_verified_descriptions(env, checkout, competitions_dir, raw_zip, tmp_path, capsys) -> None:
    _fetch_synthetic(checkout)
    data = tmp_path / "data"
    assert pipeline.prepare_competition(ID, data, from_zip=raw_zip) == "prepared"
    public = data / ID / "prepared" / "public"
    assert (public / "description.md").read_bytes() == TEXTS[f"mlebench/competitions/{ID}/description.md"]
    assert (public / "description_obfuscated.md").read_bytes() == TEXTS[f"mlebench/competitions/{ID}/description_obfuscated.md"]
    assert "not comparable" not in capsys.readouterr().err


def test_without_texts_prepare_writes_the_task_card_and_warns_once(env, competitions_dir, raw_zip, tmp_path, checkout) -> None:
    data = tmp_path / "data"
    result = cli("prepare", "-c", ID, "--from-zip", str(raw_zip), "--data-dir", str(data))
    assert result.returncode == 0, result.stderr
    warnings = [l for l in result.stderr.splitlines() if "not comparable with the MLE-bench leaderboard" in l]
    assert len(warnings) == 1 and f"description of `{ID}`" in warnings[0] and "texts fetch" in warnings[0]
    public = data / ID / "prepared" / "public"
    card = (public / "description.md").read_text()
    assert card.startswith("# Synthetic Competition\n") and "`multi-class-log-loss`" in card
    assert "- `train.csv`: 48 rows, 4 columns: `id`, `x`, `note`, `label`" in card
    assert "- `test.zip`" in card
    assert (public / "description_obfuscated.md").read_text().startswith("# Task\n")
    # texts fetched later: prepare again puts the reference's descriptions in place
    _fetch_synthetic(checkout)
    again = cli("prepare", "-c", ID, "--from-zip", str(raw_zip), "--data-dir", str(data))
    assert again.returncode == 0, again.stderr
    assert "already prepared; wrote description.md, description_obfuscated.md" in again.stdout
    assert "not comparable" not in again.stderr
    assert (public / "description.md").read_bytes() == TEXTS[f"mlebench/competitions/{ID}/description.md"]


def test_the_warning_is_given_once_per_command(env, competitions_dir, raw_zip, tmp_path, capsys) -> None:
    for name in ("a", "b"):
        pipeline.prepare_competition(ID, tmp_path / name, from_zip=raw_zip)
    assert capsys.readouterr().err.count("not comparable with the MLE-bench leaderboard") == 1


# ------------------------------------------------------------------ the image


def test_the_images_build_context_holds_the_verified_instructions(env, checkout, tmp_path: Path, capsys) -> None:
    own = tmp_path / "own"
    own.mkdir()
    own_hash = images._env_context(own, "base", images.ml_stack("none"), False, True)
    files = Path(images.files_dir())
    assert (own / "layer/home/instructions.txt").read_bytes() == (files / "instructions.txt").read_bytes()
    assert (own / "layer/home/instructions_obfuscated.txt").read_bytes() == (files / "instructions_obfuscated.txt").read_bytes()
    assert capsys.readouterr().err.count("not comparable with the MLE-bench leaderboard") == 1

    _fetch_synthetic(checkout)
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    ref_hash = images._env_context(ctx, "base", images.ml_stack("none"), False, True)
    assert (ctx / "layer/home/instructions.txt").read_bytes() == TEXTS["environment/instructions.txt"]
    assert (ctx / "layer/home/instructions_obfuscated.txt").read_bytes() == TEXTS["environment/instructions_obfuscated.txt"]
    assert oct((ctx / "layer/home/instructions.txt").stat().st_mode & 0o777) == "0o644"
    assert ref_hash != own_hash  # fetching the texts rebuilds the image
    assert "COPY layer/ /" in (ctx / "Dockerfile").read_text()


def test_the_entrypoint_switches_to_the_obfuscated_instructions() -> None:
    script = (Path(images.files_dir()) / "agent-entrypoint.sh").read_text()
    assert '[ "${OBFUSCATE:-}" = "true" ]' in script
    assert "cp /home/instructions_obfuscated.txt /home/instructions.txt" in script
    # before the agent's command runs as nonroot
    assert script.index("instructions_obfuscated") < script.index("exec setpriv")


# ------------------------------------------------------------------ run: obfuscation and provenance


def _settings(data: Path, obfuscated: bool) -> RunSettings:
    return RunSettings(
        agent=None,
        data_dir=data,
        container_config={},
        time_limit=None,
        retain=False,  # type: ignore[arg-type]
        gpu_plan=None,
        validator_image="v",
        obfuscated=obfuscated,
    )  # type: ignore[arg-type]


def test_an_obfuscated_run_mounts_the_obfuscated_description_over_the_usual_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    public = (data / TITANIC / "prepared" / "public").resolve()
    plain = Harness(_settings(data, False), None)._data_volumes(TITANIC)  # type: ignore[arg-type]
    assert plain == {str(public): {"bind": "/home/data", "mode": "ro"}}
    hidden = Harness(_settings(data, True), None)._data_volumes(TITANIC)  # type: ignore[arg-type]
    assert hidden[str(public / "description_obfuscated.md")] == {"bind": "/home/data/description.md", "mode": "ro"}
    # a folder prepared before the obfuscated description existed is named before anything starts
    (problem,) = obfuscation_problems([TITANIC], data)
    assert problem.startswith(f"{TITANIC}: no description_obfuscated.md") and "prepare" in problem
    (public / "description_obfuscated.md").write_text("# Task\n")
    assert obfuscation_problems([TITANIC], data) == []


def test_run_provenance_names_the_reference_commit_and_sha256_or_own(env, tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    make_titanic(data)
    public = data / TITANIC / "prepared" / "public"
    desc = f"mlebench/competitions/{TITANIC}/description.md"
    (public / "description.md").write_bytes(TEXTS[desc])
    inst = TEXTS["environment/instructions.txt"]
    got = texts.run_texts(inst, {TITANIC: public})[TITANIC]
    assert got == {
        "obfuscated": False,
        "instructions": {
            "source": "reference",
            "repository": "openai/mle-bench",
            "commit": COMMIT,
            "path": "environment/instructions.txt",
            "sha256": _sha(inst),
        },
        "description": {
            "source": "reference",
            "repository": "openai/mle-bench",
            "commit": COMMIT,
            "path": desc,
            "sha256": _sha(TEXTS[desc]),
        },
    }
    assert capsys.readouterr().err == ""
    # obfuscated: the obfuscated texts are the ones compared; the description here is our own
    (public / "description_obfuscated.md").write_bytes(b"# Task\n\nour own card\n")
    obf = texts.run_texts(TEXTS["environment/instructions_obfuscated.txt"], {TITANIC: public}, obfuscated=True)[TITANIC]
    assert obf["obfuscated"] is True and obf["instructions"]["path"] == "environment/instructions_obfuscated.txt"
    assert obf["description"] == {"source": "own", "sha256": _sha(b"# Task\n\nour own card\n")}
    own = texts.run_texts(b"our own instructions\n", {TITANIC: public})[TITANIC]
    assert own["instructions"] == {"source": "own", "sha256": _sha(b"our own instructions\n")}
    err = capsys.readouterr().err
    assert err.count("not comparable with the MLE-bench leaderboard") == 1 and TITANIC in err


# ------------------------------------------------------------------ report


def _group(runs: Path, name: str, letters: str, sources: list[str | None], ours: bool = True) -> None:
    write_seed(runs / name / "grading_report.json", letters)
    meta: dict = {"run_group": name, "runs": {}}
    if ours:
        meta["settings"] = {"agent_id": name}
    for i, source in enumerate(sources):
        run: dict = {"competition_id": "comp-a", "seed": i, "status": "succeeded"}
        if source is not None:
            prov = {"source": source, "sha256": "0" * 64}
            run["texts"] = {"obfuscated": False, "instructions": prov, "description": prov}
        meta["runs"][f"comp-a_{i}"] = run
    (runs / name / "metadata.json").write_text(json.dumps(meta))


def test_report_marks_an_agent_whose_runs_used_own_texts(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    _group(runs, "fair", "GSVM", ["reference", "reference"])
    _group(runs, "mixed", "GGGG", ["reference", "own"])
    _group(runs, "older", "VVVV", [None])  # mlebench-fast before it recorded texts: its own instructions
    _group(runs, "theirs", "BBBB", [None], ours=False)  # a run group of the reference
    split = write_split(tmp_path)
    comparison = rep.report_compare(rep.sources_from_runs_dir(runs, None, []), split=split)
    table = rep.leaderboard_table(comparison)
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert set(rows) == {"fair", f"mixed {rep.NOT_COMPARABLE_MARK}", f"older {rep.NOT_COMPARABLE_MARK}", "theirs"}
    notes = rep.comparison_notes(comparison)
    assert "mixed: not comparable with the MLE-bench leaderboard: 1 of 2 runs used mlebench-fast's own" in " ".join(notes)
    assert not any(n.startswith(("fair:", "theirs:")) for n in notes)
    assert "not comparable with the MLE-bench leaderboard" in rep._compare_legend(comparison)
    data = {a["agent"]: a for a in rep.comparison_json(comparison)["agents"]}
    assert data["fair"]["comparable_with_leaderboard"] is True and data["mixed"]["comparable_with_leaderboard"] is False
    assert data["mixed"]["runs_with_own_texts"] == 1
    # one agent on its own: a note, and the JSON field
    single = rep.report_single(rep.sources_from_runs_dir(runs, ["mixed"], []), split=split)
    assert any("not comparable with the MLE-bench leaderboard" in n for n in single.notes)
    assert rep.split_json(single)["comparable_with_leaderboard"] is False
    fair = rep.report_single(rep.sources_from_runs_dir(runs, ["fair"], []), split=split)
    assert rep.split_json(fair)["comparable_with_leaderboard"] is True and not fair.notes
    # grading reports outside any run group: nothing known, no mark
    loose = rep.report_single(rep.sources_from_files([write_seed(tmp_path / "loose" / "r.json", "GGGG")]), split=split)
    assert rep.split_json(loose)["comparable_with_leaderboard"] is None and not loose.notes


def test_report_cli_prints_the_mark(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    _group(runs, "mixed", "GGGG", ["reference", "own"])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlebench_fast.cli",
            "report",
            "--runs-dir",
            str(runs),
            "--compare",
            "--split",
            write_split(tmp_path),
            "--output-dir",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (
        f"mixed {rep.NOT_COMPARABLE_MARK}" in result.stdout and "not comparable with the MLE-bench leaderboard" in result.stdout
    )
    assert f"mixed {rep.NOT_COMPARABLE_MARK}" in (tmp_path / "out" / "report.md").read_text()


def test_store_refuses_bytes_that_do_not_verify(env) -> None:
    manifest = texts.load_manifest()
    with pytest.raises(texts.TextsError, match="environment/instructions.txt: .* not the reference's"):
        store.store(manifest, "environment/instructions.txt", b"wrong")
    assert store.verified_bytes(manifest, "environment/instructions.txt") is None


def test_a_bad_manifest_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text(
        json.dumps({"repository": "r", "commit": "c", "raw_url": "u", "files": {"../escape": {"sha256": "0", "bytes": 1}}})
    )
    result = cli("texts", "status", env_extra={texts.MANIFEST_ENV: str(bad)})
    assert (
        result.returncode == 1
        and result.stderr.startswith("error: cannot read the texts manifest")
        and "Traceback" not in result.stderr
    )
