"""mlebench-fast's own description of a prepared competition, for when the reference's is not
available: a task card built only from facts the project has (the files in `public/` with
their columns and row counts, the id and target columns, the metric and what it rewards, the
submission format from the sample submission). The obfuscated card leaves out the name.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path, PurePosixPath

from ..registry import Competition

# Above this size a CSV's rows are counted as lines (a quoted field may hold a newline).
EXACT_COUNT_LIMIT = 64 * 2**20
MAX_COLUMNS = 40
MAX_CELL = 120
SAMPLE_ROWS = 3
DESCRIPTION_FILES = ("description.md", "description_obfuscated.md")

# What each of the reference's metric names rewards, in a phrase.
METRICS = {
    "accuracy": "the fraction of rows whose prediction equals the true value",
    "multi-class-classification-accuracy": "the fraction of rows whose predicted class is the true class",
    "top-1-classification-error": "the fraction of rows whose predicted class is not the true class",
    "auc-roc": "how well the predicted scores rank positive rows above negative ones (area under the ROC curve)",
    "weighted-auroc": "a weighted area under the ROC curve of the predicted scores",
    "column-wise ROC AUC": "the area under the ROC curve of each target column, averaged over the columns",
    "mean-column-wise-roc-auc": "the area under the ROC curve of each target column, averaged over the columns",
    "auroc-multi-label": "the area under the ROC curve over the labels of each row",
    "log-loss": "predicted probabilities close to the true labels (the mean negative log-likelihood)",
    "multi-class-log-loss": "predicted class probabilities close to the true classes (the mean negative log-likelihood)",
    "weighted-multi-label-log-loss": "predicted label probabilities close to the true labels (a weighted negative log-likelihood)",
    "root-mean-squared-error": "predictions close to the true values (the root of the mean squared difference)",
    "root_mean_squared_error": "predictions close to the true values (the root of the mean squared difference)",
    "mean-column-wise-rmsle": "predictions close to the true values on a log scale, averaged over the target columns",
    "mean-absolute-error": "predictions close to the true values (the mean absolute difference)",
    "log-mean-absolute-error": "predictions close to the true values (the log of the mean absolute difference, averaged over groups)",
    "quadratic-weighted-kappa": "agreement between predicted and true ordinal classes, with far-off classes penalised most",
    "f1-score": "the F1 score (harmonic mean of precision and recall) of the predictions",
    "micro-f1-score": "the F1 score of the predictions, counted over all predicted labels together",
    "macro-f1-score": "the F1 score of the predictions, averaged over the classes",
    "f0.5-score": "the F0.5 score of the predictions (precision weighs more than recall)",
    "probabilistic-f1-score": "an F1 score computed from the predicted probabilities",
    "matthews-correlation-coefficient": "the correlation between predicted and true binary labels",
    "pearson-correlation-coefficient": "the linear correlation between predictions and true values",
    "column-wise-spearman": "the rank correlation between predictions and true values, averaged over the columns",
    "kendall-tau": "predicted orderings close to the true orderings (Kendall's tau)",
    "KL-divergence": "predicted distributions close to the true ones (the Kullback-Leibler divergence)",
    "MAP@5": "the true labels ranked high among up to 5 predictions per row (mean average precision)",
    "map-at-5": "the true labels ranked high among up to 5 predictions per row (mean average precision)",
    "MAP@12": "the true items ranked high among up to 12 predictions per row (mean average precision)",
    "mean-average-precision": "precise, well-ranked predictions (mean average precision)",
    "mAP-at-IoU>0.4": "predicted boxes overlapping the true ones (mean average precision at IoU above 0.4)",
    "mean-precision-intersection-over-union-at-different-thresholds": "predicted masks overlapping the true ones, over several IoU thresholds",
    "label-ranking-average-precision": "the true labels of each row ranked above the others",
    "dice-coefficient": "predicted masks overlapping the true masks (Dice coefficient)",
    "global-dice": "predicted masks overlapping the true masks (Dice coefficient over all pixels)",
    "dice-hausdorff-combo": "predicted masks overlapping the true masks and close to their boundaries",
    "jaccard-similarity": "predicted sets overlapping the true sets (Jaccard similarity)",
    "word-level-jaccard-score": "predicted text sharing its words with the true text (word-level Jaccard)",
    "levenshtein-distance": "predicted strings close to the true strings (edit distance)",
    "levenhstein-distance": "predicted strings close to the true strings (edit distance)",
    "average-haversine-distance": "predicted locations close to the true ones (mean great-circle distance)",
    "mean-angular-error": "predicted directions close to the true ones (mean angle between them)",
    "modified-laplace-log-likelihood": "predictions close to the true values with a well-calibrated confidence",
    "jigsaw-unintended-bias-in-toxicity-classification-score": "ranking toxic comments above others, overall and within identity subgroups",
}
# Directions of metrics whose competitions have no medal figures to say it.
LOWER_IS_BETTER = {
    "mean-absolute-error",
    "root-mean-squared-error",
    "root_mean_squared_error",
    "log-loss",
    "multi-class-log-loss",
    "top-1-classification-error",
    "levenshtein-distance",
}


def _short(text: str, limit: int = MAX_CELL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(items: list[str]) -> str:
    shown = ", ".join(f"`{c}`" for c in items[:MAX_COLUMNS])
    return shown + (f" and {len(items) - MAX_COLUMNS} more" if len(items) > MAX_COLUMNS else "")


def csv_shape(path: Path) -> tuple[list[str], int, bool]:
    """(header, data rows, exact?) of a CSV; rows of a big file are counted as lines."""
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        header = next(csv.reader(f), [])
        if path.stat().st_size <= EXACT_COUNT_LIMIT:
            return header, sum(1 for _ in csv.reader(f)), True
    with open(path, "rb") as f:
        lines, last = 0, b"\n"
        while chunk := f.read(2**24):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    lines += last != b"\n"  # a last line without its newline
    return header, max(lines - 1, 0), False


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def _folder_line(folder: Path) -> str:
    count, kinds = 0, Counter()
    for _, _, files in os.walk(folder):
        count += len(files)
        kinds.update(Path(f).suffix.lower() or "(no extension)" for f in files)
    common = ", ".join(f"{k} ({n})" for k, n in kinds.most_common(3))
    return f"- `{folder.name}/`: a folder of {count} file{'s' if count != 1 else ''}" + (f": {common}" if count else "")


def _file_line(file: Path) -> str:
    if file.suffix.lower() == ".csv":
        try:
            header, rows, exact = csv_shape(file)
        except (OSError, csv.Error) as e:
            return f"- `{file.name}`: a CSV file of {_size(file.stat().st_size)} (not read: {e})"
        count = f"{rows} rows" if exact else f"about {rows} rows"
        return f"- `{file.name}`: {count}, {len(header)} columns: {_names(header)}"
    return f"- `{file.name}`: {_size(file.stat().st_size)}"


def _sample_rows(path: Path) -> tuple[list[str], list[str]]:
    """The sample submission's header and first lines, shortened for display."""
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        rows = [row for _, row in zip(range(SAMPLE_ROWS + 1), csv.reader(f))]
    lines = []
    for row in rows:
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow([_short(cell, 40) for cell in row])
        lines.append(_short(out.getvalue()))
    return (rows[0] if rows else []), lines


def lower_is_better(competition: Competition) -> bool | None:
    if competition.medals is not None:
        return competition.medals.lower_is_better
    return True if competition.metric in LOWER_IS_BETTER else None


def task_card(competition: Competition, public: Path, obfuscated: bool = False) -> str:
    """The card's Markdown for the prepared `public` folder of `competition`."""
    public = Path(public)
    sample_rel = PurePosixPath(competition.sample_submission)
    prefix = PurePosixPath(competition.id, "prepared", "public")
    sample_name = str(sample_rel.relative_to(prefix)) if sample_rel.is_relative_to(prefix) else sample_rel.name
    sample = public / sample_name
    try:
        header, lines = _sample_rows(sample) if sample.is_file() else ([], [])
        sample_count = csv_shape(sample)[1] if header else 0
    except (OSError, csv.Error):  # e.g. a field beyond the csv module's limit: describe it less
        header, lines, sample_count = [], [], 0
    grader = competition.grader or {}
    id_column = grader.get("id_column") or (header[0] if header else None)
    targets = grader.get("target_columns") or ([grader["target_column"]] if grader.get("target_column") else None)
    if targets is None:
        targets = [c for c in header if c != id_column]

    title = "# Task" if obfuscated else f"# {competition.name}"
    out = [title, ""]
    out.append(
        "This description was written by mlebench-fast from the prepared files (the task's own description "
        "was not available). Everything below is taken from the files in `/home/data/`."
    )
    out += ["", "## What to predict", ""]
    what = f"Predict {_names(list(targets))}" if targets else "Predict the values of the sample submission"
    out.append(f"{what} for every {f'`{id_column}`' if id_column else 'row'} of the sample submission `{sample_name}`.")

    out += ["", "## Evaluation", ""]
    direction = {True: "lower is better", False: "higher is better", None: "see the metric"}[lower_is_better(competition)]
    phrase = METRICS.get(competition.metric)
    out.append(
        f"Submissions are scored with `{competition.metric}` ({direction})" + (f": it rewards {phrase}." if phrase else ".")
    )

    out += ["", "## Submission format", ""]
    if header:
        out.append(
            f"A CSV file with the columns {_names(header)} and one row per line of the sample submission "
            f"({sample_count} rows), in the format of `{sample_name}`, which begins:"
        )
        out += ["", "```", *lines, "```"]
    else:
        out.append(f"A CSV file in the format of the sample submission `{sample_name}`.")

    out += ["", "## Files", ""]
    for entry in sorted(public.iterdir(), key=lambda p: p.name):
        if entry.name in DESCRIPTION_FILES or entry.name.startswith("."):
            continue
        out.append(_folder_line(entry) if entry.is_dir() else _file_line(entry))
    return "\n".join(out) + "\n"
