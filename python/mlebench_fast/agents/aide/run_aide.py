"""Run AIDE (the `aideml` package) on one competition, as MLE-bench's aide agent does.

1. The instructions AIDE works from: the benchmark's instructions with `/home/` dropped from
   their paths (AIDE works in its own workspace, where `data/`-style relative paths hold), a
   blank line, additional_notes.txt with its ${VARIABLES} filled in (hardware, time, steps),
   then the competition's description under a heading. `OBFUSCATE=true` uses the obfuscated
   instructions and description instead.
2. AIDE's tree search, one step at a time, stopped at the time limit (TIME_LIMIT_SECS, or the
   `agent.time_limit` kwarg of the reference's config).
3. After every step AIDE's journal, config and logs are in $LOGS_DIR; whenever a step is the
   new best working solution, its code goes to $CODE_DIR/best_solution.py and the submission it
   wrote to $SUBMISSION_DIR/submission.csv, so the best one is graded however the run ends.

Arguments are AIDE's omegaconf `key=value` settings (the config.yaml kwargs). The keys only the
reference's fork of AIDE knows are taken here: agent.time_limit (the deadline),
agent.obfuscate (as OBFUSCATE), agent.convert_system_to_user (not needed by aideml 0.2.2's
backends: noted and dropped).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

FORK_ONLY = ("agent.time_limit", "agent.obfuscate", "agent.convert_system_to_user")
DATA = Path("/home/data")
_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


def hardware() -> str:
    """What the code runs on, as the reference's start.sh says it: "1 NVIDIA A10" or "a CPU"."""
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return "a CPU"
    names = sorted(line.strip() for line in out.stdout.splitlines() if line.strip())
    if out.returncode != 0 or not names:
        return "a CPU"
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{n} {name}" for name, n in counts.items())


def format_time(seconds: int) -> str:
    return f"{seconds // 3600}hrs {seconds % 3600 // 60}mins {seconds % 60}secs"


def substitute(text: str, env: dict[str, str]) -> str:
    """${VAR} and $VAR from env, unset ones empty (what envsubst does)."""
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), ""), text)


def assemble_instructions(instructions: str, notes: str, description: str, env: dict[str, str]) -> str:
    return (
        instructions.replace("/home/", "")
        + "\n"
        + substitute(notes, env)
        + "\nCOMPETITION INSTRUCTIONS\n------\n\n"
        + description
    )


def split_args(args: list[str]) -> tuple[list[str], dict[str, str]]:
    """(AIDE's own key=value args, the fork-only ones by key)."""
    ours, fork = [], {}
    for arg in args:
        key, _, value = arg.partition("=")
        if key in FORK_ONLY:
            fork[key] = value
        else:
            ours.append(arg)
    return ours, fork


def _true(value: str | None) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def main(argv: list[str]) -> int:
    agent_dir = Path(os.environ["AGENT_DIR"])
    logs, code, submission_dir = (Path(os.environ[k]) for k in ("LOGS_DIR", "CODE_DIR", "SUBMISSION_DIR"))
    args, fork = split_args(argv)
    if "agent.convert_system_to_user" in fork:
        print("note: agent.convert_system_to_user is a setting of the reference's AIDE fork; aideml 0.2.2 does not need it")
    limit = fork.get("agent.time_limit") or os.environ.get("TIME_LIMIT_SECS")
    limit_secs = int(float(limit)) if limit else None
    obfuscate = _true(os.environ.get("OBFUSCATE")) or _true(fork.get("agent.obfuscate"))

    instructions = Path("/home/instructions_obfuscated.txt" if obfuscate else "/home/instructions.txt")
    description = DATA / ("description_obfuscated.md" if obfuscate else "description.md")
    for path in (instructions, description):
        if not path.is_file():
            print(f"error: {path} is missing" + (" (needed by the obfuscated variant)" if obfuscate else ""))
            return 1
    env = dict(os.environ, HARDWARE=hardware(), TIME_LIMIT=format_time(limit_secs) if limit_secs else "no limit")
    env.setdefault("STEP_LIMIT", "")
    full = agent_dir / "full_instructions.txt"
    full.write_text(
        assemble_instructions(
            instructions.read_text(), (agent_dir / "additional_notes.txt").read_text(), description.read_text(), env
        )
    )

    sys.argv = [
        "aide",
        f"data_dir={DATA}",
        f"desc_file={full}",
        "exp_name=exp",
        f"log_dir={agent_dir / 'logs'}",
        f"workspace_dir={agent_dir / 'workspaces'}",
        *args,
    ]
    from omegaconf import OmegaConf

    from aide.agent import Agent
    from aide.interpreter import Interpreter
    from aide.journal import Journal
    from aide.journal2report import journal2report
    from aide.utils.config import load_cfg, load_task_desc, prep_agent_workspace, save_run

    cfg = load_cfg()
    cfg.log_dir = str(logs)  # AIDE's journal, config and tree plot straight into $LOGS_DIR
    task_desc = load_task_desc(cfg)
    prep_agent_workspace(cfg)
    journal = Journal()
    agent = Agent(task_desc=task_desc, cfg=cfg, journal=journal)
    interpreter = Interpreter(cfg.workspace_dir, **OmegaConf.to_container(cfg.exec))
    produced = Path(cfg.workspace_dir) / "working" / "submission.csv"

    def out_of_time(signum, frame):
        raise TimeoutError

    deadline = time.monotonic() + limit_secs if limit_secs else None
    if limit_secs:
        signal.signal(signal.SIGALRM, out_of_time)
        signal.alarm(limit_secs)
    best_id = None
    try:
        while len(journal) < cfg.agent.steps:
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError
            produced.unlink(missing_ok=True)  # what is there after the step is that step's
            agent.step(exec_callback=interpreter.run)
            save_run(cfg, journal)
            node, best = journal.nodes[-1], journal.get_best_node(only_good=True)
            print(f"step {len(journal)}/{cfg.agent.steps}: " + ("buggy" if node.is_buggy else f"metric {node.metric.value}"))
            if best is not None and best is node and best.id != best_id:
                best_id = best.id
                (code / "best_solution.py").write_text(node.code)
                if produced.is_file():
                    shutil.copyfile(produced, submission_dir / "submission.csv")
                    print(f"new best solution (step {len(journal)}): its submission is in {submission_dir}")
                else:
                    print(f"new best solution (step {len(journal)}) wrote no submission.csv")
    except TimeoutError:
        print(f"time limit of {format_time(limit_secs or 0)} reached: stopping AIDE")
    finally:
        signal.alarm(0)
        interpreter.cleanup_session()
    if cfg.generate_report and len(journal):
        # a summary only: the results are saved already, so a failure here fails nothing (aideml
        # 0.2.2's report call is refused by chat-completions servers: max_output_tokens)
        try:
            (logs / "report.md").write_text(journal2report(journal, task_desc, cfg.report))
        except Exception as e:
            print(f"note: AIDE's final report was not written ({type(e).__name__}: {e})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
