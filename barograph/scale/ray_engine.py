"""The coding stage on Ray Data: one spaCy model per worker actor, one Parquet part per shard.

The driver only reads and cuts the input (cheap); workers split articles and sentences and
code them with a ``Coder`` built once in the actor's ``__init__``. Each shard is written by the
worker under temporary names and renamed, events last (see ``resume``), so the driver, a
worker or the whole machine can die at any moment and a rerun codes each article exactly once.
"""

from __future__ import annotations

import logging
import os
import re
import resource
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from barograph.errors import BadInput, BarographError
from barograph.scale.partitions import Shard, read_part, shards, to_table, write_atomic
from barograph.scale.resume import RunDir, finalize

DEFAULT_SHARD_DOCS = 200
DEFAULT_SHARD_CHARS = 2_000_000


@dataclass
class ShardResult:
    shard: int
    documents: int
    articles: int
    events: int
    seconds: float
    pid: int
    peak_rss_mb: float
    problems: list[str] = field(default_factory=list)
    coder: str = ""


@dataclass
class RunReport:
    out: str
    shards: int = 0  # in the whole input
    skipped: int = 0  # done by an earlier run
    coded: list[ShardResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    startup_s: float = 0.0  # ray.init until the first shard came back
    init_s: float = 0.0  # ray.init alone
    seconds: float = 0.0
    repeated_events: int = 0  # events of stories an earlier shard holds too, dropped by finalize

    @property
    def articles(self) -> int:
        return sum(r.articles for r in self.coded)

    @property
    def events(self) -> int:
        return sum(r.events for r in self.coded) - self.repeated_events

    def worker_peak_rss_mb(self) -> dict[int, float]:
        peaks: dict[int, float] = {}
        for r in self.coded:
            peaks[r.pid] = max(peaks.get(r.pid, 0.0), r.peak_rss_mb)
        return peaks


# ---------------------------------------------------------------- worker side


def code_shard(run: RunDir, shard: int, coder, expect_coder: str | None = None) -> ShardResult:
    """Code one spooled shard and publish its parts; safe to run twice (same bytes)."""
    from barograph.scale.stages import process_documents

    t0 = time.perf_counter()
    version = coder.version if coder is not None else "uncoded"
    if expect_coder and version != expect_coder:  # never mix two coders' output in one run
        return ShardResult(
            shard,
            0,
            0,
            0,
            0.0,
            os.getpid(),
            0.0,
            [f"{run.path}: coded by {expect_coder!r} but this worker has {version!r}; use a new --out folder"],
            version,
        )
    spool = run.spool(shard)
    # a retry after a worker died between the two renames finds the spool already moved
    docs = read_part(run.path, "spool" if spool.exists() else "documents", shard)
    articles, events, problems = process_documents(docs, coder)
    write_atomic(to_table("articles", articles), run.part("articles", shard))
    try:
        os.replace(spool, run.part("documents", shard))
    except FileNotFoundError:  # moved by the retry racing this attempt: same bytes
        pass
    write_atomic(to_table("events", events), run.part("events", shard))  # last: marks the shard done
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return ShardResult(shard, len(docs), len(articles), len(events), time.perf_counter() - t0, os.getpid(), rss, problems, version)


class ShardCoder:
    """Ray Data class UDF: the model is loaded here once per actor, never per batch."""

    run_dir: str = ""
    code: bool = True
    expect_coder: str | None = None

    def __init__(self):
        _quiet_worker()
        self.run = RunDir(self.run_dir)
        if self.code:
            from barograph.events.coder import Coder

            self.coder = Coder()
        else:
            self.coder = None

    def __call__(self, batch):
        rows = [code_shard(self.run, int(s), self.coder, self.expect_coder) for s in batch["shard"]]
        return {
            "shard": [r.shard for r in rows],
            "documents": [r.documents for r in rows],
            "articles": [r.articles for r in rows],
            "events": [r.events for r in rows],
            "seconds": [r.seconds for r in rows],
            "pid": [r.pid for r in rows],
            "peak_rss_mb": [r.peak_rss_mb for r in rows],
            "problems": ["\n".join(r.problems) for r in rows],
            "coder": [r.coder for r in rows],
        }


def _quiet_worker() -> None:
    for name in ("spacy", "thinc", "ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.ERROR)


# ---------------------------------------------------------------- driver side


def plan(
    paths: Sequence[str],
    run: RunDir,
    *,
    code: bool,
    shard_docs: int | None,
    shard_chars: int | None,
    errors: list | Callable,
    text_column: str | None = None,
) -> tuple[list[int], dict]:
    """Cut the input into shards and spool the ones not done yet; returns (pending, manifest)."""
    from barograph.scale.parquet_input import iter_inputs

    run.prepare()
    previous = run.load_manifest()
    # sizes: given, else $BAROGRAPH_SHARD_DOCS, else the run being resumed, else the defaults
    from barograph import settings

    shard_docs = shard_docs or settings.get("BAROGRAPH_SHARD_DOCS") or (previous or {}).get("shard_docs") or DEFAULT_SHARD_DOCS
    shard_chars = shard_chars or (previous or {}).get("shard_chars") or DEFAULT_SHARD_CHARS
    manifest = {
        "format": 1,
        "inputs": [str(Path(p).resolve()) if p != "-" else "-" for p in paths],
        "text_column": text_column,
        "shard_docs": shard_docs,
        "shard_chars": shard_chars,
        "coded": code,
        "coder": (previous or {}).get("coder"),  # set by the first shard a worker codes
    }
    run.check_same_run(previous, manifest)
    run.clean_temporaries()
    old = (previous or {}).get("shards", {})
    fingerprints: dict[str, dict] = {}
    pending: list[int] = []
    for sh in shards(iter_inputs(list(paths), errors=errors, text_column=text_column), shard_docs, shard_chars):
        key = f"{sh.number:05d}"
        fp = sh.fingerprint()
        if key in old and old[key]["fingerprint"] != fp:
            raise BadInput(str(run.path), f"the input changed since this run began (shard {sh.number} differs); use a new --out folder")
        fingerprints[key] = {"fingerprint": fp, "documents": len(sh.docs), "chars": sh.chars}
        if run.is_done(sh.number):
            continue
        if not run.spool(sh.number).exists():
            _spool(run, sh)
        pending.append(sh.number)
    total = len(fingerprints)
    if any(int(k) >= total for k in old) or any(n >= total for n in run.done_shards()):
        raise BadInput(str(run.path), "holds more shards than the input has; use a new --out folder")
    manifest["shards"] = fingerprints
    run.save_manifest(manifest)
    return pending, manifest


def _spool(run: RunDir, sh: Shard) -> None:
    write_atomic(to_table("documents", sh.docs), run.spool(sh.number))


def init_ray(workers: int, address: str | None) -> float:
    """Join a cluster (``address``) or start a quiet local one; returns the seconds it took."""
    import ray

    t0 = time.perf_counter()
    if ray.is_initialized():
        return 0.0
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    kwargs = dict(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False, configure_logging=True)
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(address="local", num_cpus=workers, **kwargs)  # never an unrelated running cluster
    except (ConnectionError, ValueError, RuntimeError) as e:
        where = address or "local Ray"
        hint = ""
        if address and os.environ.get("RAY_AUTH_MODE") != "token":
            hint = "; a cluster with token authentication needs RAY_AUTH_MODE=token and its token (ray get-auth-token)"
        raise BarographError(f"{where}: cannot start or join Ray ({_first_line(e)}){hint}") from None
    _quiet_data()
    return time.perf_counter() - t0


def _quiet_data() -> None:
    import ray.data

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    for name in ("ray", "ray.data", "ray.data._internal"):
        logging.getLogger(name).setLevel(logging.ERROR)


def code_ray(
    paths: Sequence[str],
    out: str | os.PathLike,
    *,
    workers: int = 2,
    address: str | None = None,
    code: bool = True,
    shard_docs: int | None = None,
    shard_chars: int | None = None,
    errors: list | Callable | None = None,
    text_column: str | None = None,
    progress=None,
    shutdown: bool = True,
) -> RunReport:
    """Code ``paths`` into Parquet parts under ``out`` on Ray; resumes a killed run in ``out``.

    ``progress`` is a rich Console (stderr) or None for silence. A shard is ``shard_docs``
    documents (default 200, or $BAROGRAPH_SHARD_DOCS) or ``shard_chars`` characters.
    """
    t_start = time.perf_counter()
    if workers < 1:
        raise BadInput("--workers", f"must be at least 1, not {workers}")
    problems: list | Callable = [] if errors is None else errors
    run = RunDir(out)
    pending, manifest = plan(paths, run, code=code, shard_docs=shard_docs, shard_chars=shard_chars, errors=problems, text_column=text_column)
    total = len(manifest["shards"])
    report = RunReport(out=str(run.path), shards=total, skipped=total - len(pending))
    if isinstance(problems, list):
        report.problems = [str(p) for p in problems]
    if not pending:
        finalize(run)  # a run killed while finishing
        report.seconds = time.perf_counter() - t_start
        return report

    import ray
    import ray.data

    report.init_s = init_ray(workers, address)
    t_ray = time.perf_counter() - report.init_s
    quiet = warnings.catch_warnings()
    quiet.__enter__()
    warnings.filterwarnings("ignore", module=r"ray(\.|$)")
    try:
        ds = ray.data.from_items([{"shard": n} for n in pending], override_num_blocks=len(pending))
        # settings travel as class attributes: constructor arguments would go through the
        # object store, which Ray warns about for restartable actors
        udf = type("ShardCoder", (ShardCoder,), {"run_dir": str(run.path.resolve()), "code": code, "expect_coder": manifest.get("coder")})
        ds = ds.map_batches(udf, batch_size=1, compute=ray.data.ActorPoolStrategy(size=min(workers, len(pending))), num_cpus=1, zero_copy_batch=True)
        bar = _Progress(progress, len(pending), total, report.skipped)
        with bar:
            for row in ds.iter_rows():
                r = ShardResult(
                    int(row["shard"]),
                    int(row["documents"]),
                    int(row["articles"]),
                    int(row["events"]),
                    float(row["seconds"]),
                    int(row["pid"]),
                    float(row["peak_rss_mb"]),
                    [p for p in str(row["problems"]).split("\n") if p],
                    str(row["coder"]),
                )
                if manifest.get("coder") and r.coder != manifest["coder"]:
                    raise BadInput(str(run.path), f"coded by {manifest['coder']!r} but the workers run {r.coder!r}; use a new --out folder")
                if not manifest.get("coder"):
                    manifest["coder"] = r.coder
                    run.save_manifest(manifest)
                if not report.coded:
                    report.startup_s = time.perf_counter() - t_ray - r.seconds
                report.coded.append(r)
                report.problems.extend(r.problems)
                bar.advance(r)
    except BarographError:
        raise
    except ray.exceptions.RayError as e:
        raise BarographError(f"{run.path}: a Ray worker failed ({_first_line(e)}); rerun the same command to resume") from None
    finally:
        quiet.__exit__(None, None, None)
        if shutdown and not address:
            ray.shutdown()
    # stories repeated across shards were coded once per shard: keep the first shard's events
    report.repeated_events = finalize(run)
    report.seconds = time.perf_counter() - t_start
    return report


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RAISED = re.compile(r"^(\w+(?:Error|Exception|Exit)): (.+)$")


def _first_line(e: BaseException) -> str:
    """The original error inside Ray's wrapping (the first 'XError: ...' line), else the first line."""
    lines = [_ANSI.sub("", x).strip() for x in str(e).splitlines()]
    for line in lines:
        m = _RAISED.match(line)
        if m and m.group(1) not in ("UserCodeException", "RayTaskError"):
            return f"{m.group(1)}: {m.group(2)}"[:300]
    return next((x for x in lines if x), type(e).__name__)[:300]


class _Progress:
    """Shards and articles done, on stderr; nothing at all when the console is None."""

    def __init__(self, console, pending: int, total: int, skipped: int):
        self.console = console
        self.progress = None
        if console is not None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("coding shards"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[articles]} articles"),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            self.task = self.progress.add_task("code", total=total, completed=skipped, articles=0)
            self.articles = 0

    def __enter__(self):
        if self.progress:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.__exit__(*exc)

    def advance(self, r: ShardResult) -> None:
        if self.progress:
            self.articles += r.articles
            self.progress.update(self.task, advance=1, articles=self.articles)


def read_events(out: str | os.PathLike) -> Iterable:
    """Every event of a finished (or partial) run, shard by shard, as ``Event`` records."""
    run = RunDir(out)
    for n in run.done_shards():
        yield from read_part(run.path, "events", n)
