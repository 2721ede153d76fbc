"""The child processes that run the versions of one script (the original and fixed copies).

Each version gets a main worker, a fresh process whose first call is plain (outputs, errors,
peak memory) and whose second is instrumented (bytes saved and held for backward, graphs kept);
later it serves the timed calls. Each further memory run is another fresh process that makes
one plain call. All processes start in parallel (importing torch); measured calls run one at a
time.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence

from .records import Comparison, RunRecord, last_lines
from .runner import ChildError, Worker, interleaved_times


def _quiet(_: str) -> None:
    pass


class Versions:
    """`files[0]` is the original; `options` gives threads, timeout, seed, rtol and atol."""

    def __init__(self, files: Sequence[Path], function: str, cwd: Path, workdir: Path,
                 options: Any, memory_runs: int = 1, labels: Optional[Sequence[str]] = None
                 ) -> None:
        self.files, self.function, self.cwd = list(files), function, cwd
        self.workdir, self.options = workdir, options
        self.labels = list(labels) if labels else ["original"] + [
            "fixed%d" % i for i in range(1, len(self.files))]
        self.workers = [self._start(i, "") for i in range(len(self.files))]
        self.extra = [[self._start(i, ".m%d" % k) for k in range(2, memory_runs + 1)]
                      for i in range(len(self.files))]

    def _start(self, index: int, suffix: str) -> Worker:
        file = self.files[index].resolve()
        extra = [self.cwd] if file.parent != self.cwd.resolve() else []
        return Worker(self.labels[index] + suffix, file, self.workdir, self.cwd,
                      extra_paths=extra, threads=self.options.threads,
                      timeout=self.options.timeout, function=self.function,
                      seed=self.options.seed)

    def first_runs(self, step: Callable[[str], None] = _quiet) -> List[RunRecord]:
        """Each version's first call (plain: outputs, memory), then its instrumented call."""
        records = []
        for worker in self.workers:
            step("running %s" % worker.label)
            records.append(_first_run(worker))
        return records

    def memory_runs(self, records: List[RunRecord], step: Callable[[str], None] = _quiet) -> None:
        """One plain first call in each further fresh process; its peaks join the record's."""
        for index, workers in enumerate(self.extra):
            for worker in workers:
                if records[index].ran:
                    step("memory run %s" % worker.label)
                    reply = worker.request(cmd="run")
                    if reply.get("peak_rss_bytes") is not None:
                        records[index].peak_rss.append(reply["peak_rss_bytes"])
                    if reply.get("cuda_peak_bytes") is not None:
                        records[index].cuda_peak.append(reply["cuda_peak_bytes"])
                worker.close()

    def time(self, records: List[RunRecord], repeat: int, warmup: int) -> List[List[dict]]:
        """Interleaved timed rounds of every version that loaded; each record gets its times.
        Returns the replies per version (empty for one that did not load)."""
        ran = [i for i, r in enumerate(records) if r.ran]
        replies: List[List[dict]] = [[] for _ in records]
        for i, runs in zip(ran, interleaved_times([self.workers[i] for i in ran], repeat, warmup)):
            records[i].times = [r["seconds"] for r in runs]
            replies[i] = runs
        return replies

    def compare(self, before: RunRecord, after: RunRecord) -> Optional[Comparison]:
        """Compare the saved return values (in a worker, which already has torch imported)."""
        unsaved = before.outputs_error or after.outputs_error
        if unsaved:
            return Comparison(False, "the return value could not be saved: %s" % unsaved)
        if not (before.outputs_file and after.outputs_file):
            return None
        reply = self.workers[0].request(cmd="compare", a=before.outputs_file,
                                        b=after.outputs_file, rtol=self.options.rtol,
                                        atol=self.options.atol)
        if "equal" not in reply:
            return Comparison(False, reply.get("error", "comparison failed"))
        return Comparison(bool(reply["equal"]), reply["detail"], reply.get("changes", []))

    def close(self) -> None:
        for worker in self.workers + [w for ws in self.extra for w in ws]:
            worker.close()

    def __enter__(self) -> "Versions":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def exit_message(output: str) -> str:
    """What to add to `SystemExit: 2`: the script's last words, and how it was called."""
    last = last_lines(output, 1).strip()
    said = " (it printed: %s)" % last if last else ""
    return said + "; the harness calls it with no command-line arguments"


def _first_run(worker: Worker) -> RunRecord:
    """The first, plain call and the instrumented one; a load error or crash becomes a record
    that did not run."""
    try:
        ready = worker.ready()
        if not ready.get("ready"):
            record = RunRecord.from_child(ready)
            record.output = worker.output
            if record.load_error.startswith("SystemExit"):
                record.load_error += exit_message(worker.output)
            return record
        outputs = worker.workdir / ("%s.pt" % worker.label)
        record = RunRecord.from_child({**ready, **worker.request(cmd="run", outputs=str(outputs))})
        if record.error:
            record.output = worker.output
            if record.error_type == "SystemExit":  # e.g. argparse: its message is the output
                record.error += exit_message(worker.output)
        record.add_instrumented(worker.request(cmd="instrument"))
        return record
    except ChildError as exc:
        return RunRecord(load_error=exc.message, output=exc.output)
