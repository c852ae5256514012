"""Aggregate grading reports into MLE-bench results: medal rates per split, mean ± SE over seeds.

Seeds are formed the way the reference's aggregation forms them, so the numbers match it:
grading report files are read in sorted path order, the reports of each file in file order;
the i-th report of a competition belongs to seed i. Only
competitions of the chosen split count. Without padding, a seed counts only when every
competition of the split has a report in it; with padding, a missing report counts as a
failed attempt (no submission, no medal). Per seed, each rate is ``count / total * 100``;
across seeds the mean is ``numpy.mean`` and the standard error ``std(ddof=1) / sqrt(n)``
(0 for one seed), with ``mean ∓ 1.96·SE`` as the 95% interval.

Outputs: ``report.json`` (machine-readable), ``report.md`` (tables to paste into a paper or
README) and ``report.png`` (rates with standard-error bars). ``--compare`` puts several agents
side by side with the leaderboard's Low / Medium / High / All columns.
"""

from __future__ import annotations

# The report's public names, from the module of each concern (inputs -> stats -> outputs).
from .common import (  # noqa: F401
    DEFAULT_SPLIT,
    EXPERIMENTS_CSV,
    FLAGS,
    HEADLINE,
    LEADERBOARD_SPLITS,
    METRIC_NAMES,
    NOT_COMPARABLE,
    NOT_COMPARABLE_MARK,
    NOTE_NAMES,
    NUMBERS,
    RATE_FLAGS,
    REPORT_GLOB,
    SPLIT_NAMES,
    Z_95,
    ReportError,
)
from .figures import MEDAL_COLOURS, comparison_figure, split_figure  # noqa: F401
from .inputs import (  # noqa: F401
    REPORT_SCHEMA,
    Source,
    load_reports,
    newest_report,
    not_comparable_note,
    own_texts_runs,
    read_experiments_csv,
    resolve_split,
    sources_from_experiments,
    sources_from_files,
    sources_from_runs_dir,
)
from .json_output import (  # noqa: F401
    MEDAL_CODES,
    comparison_json,
    competition_rows,
    entry_code,
    split_json,
)
from .markdown import (  # noqa: F401
    PADDED_MARK,
    SEED_LEGEND,
    _compare_legend,
    agent_table,
    comparison_markdown,
    comparison_notes,
    competition_table,
    headline_table,
    leaderboard_table,
    markdown_table,
    per_seed_table,
    split_markdown,
)
from .outputs import terminal_summary, write_outputs  # noqa: F401
from .stats import (  # noqa: F401
    AgentResult,
    Comparison,
    SplitResult,
    aggregate,
    build_entries,
    group_by_agent,
    report_compare,
    report_single,
    report_split,
    seed_metrics,
    summarise,
)
