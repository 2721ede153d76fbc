"""Parent side of the child processes: start them, send commands, interleave timing runs."""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .records import Comparison, RunRecord

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding nograd_lint/


def child_env(threads: Optional[int] = None) -> Dict[str, str]:
    """The environment of a child: this package importable even when not installed.

    OpenMP threads sleep instead of spinning while they wait (unless the caller chose a policy):
    on a machine whose cores are busy with other work, spinning threads make torch's parallel
    regions up to ~100x slower and the timings meaningless.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads)
    return env


def _tail(path: Path, lines: int = 12) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class ChildError(RuntimeError):
    """A child process died, hung, or broke the protocol."""


class Worker:
    """One version of a script running in its own fresh `child` process."""

    def __init__(self, label: str, file: Path, workdir: Path, cwd: Path,
                 extra_paths: Sequence[Path] = (), threads: Optional[int] = None,
                 timeout: float = 600.0) -> None:
        self.label, self.workdir, self.timeout = label, workdir, timeout
        self.log = workdir / ("%s.log" % label)
        extra = [a for p in extra_paths for a in ("--sys-path", str(p))]
        command = [sys.executable, "-m", "nograd_lint.verify.child", str(file), *extra]
        with open(self.log, "wb") as stderr:
            self.proc = subprocess.Popen(command, cwd=cwd, env=child_env(threads), text=True,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=stderr)
        self._ready: Optional[Dict[str, Any]] = None

    def _read(self) -> Dict[str, Any]:
        readable, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        line = self.proc.stdout.readline() if readable else ""
        if not line:
            timed_out = not readable
            self.close()
            if timed_out:
                raise ChildError("%s: no answer within %gs" % (self.label, self.timeout))
            raise ChildError("%s: the child process exited with code %s\n%s"
                             % (self.label, self.proc.returncode, _tail(self.log)))
        return json.loads(line)

    def ready(self) -> Dict[str, Any]:
        """The child's first message: `{"ready": true}` or the load error."""
        if self._ready is None:
            self._ready = self._read()
        return self._ready

    def request(self, **command: Any) -> Dict[str, Any]:
        self.ready()
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def measure(self) -> RunRecord:
        """The measured first run; load errors and crashes become a record that did not run."""
        try:
            ready = self.ready()
            if not ready.get("ready"):
                return RunRecord.from_child(ready)
            outputs = self.workdir / ("%s.pt" % self.label)
            reply = self.request(cmd="measure", outputs=str(outputs))
            return RunRecord.from_child({**ready, **reply})
        except ChildError as exc:
            return RunRecord(load_error=str(exc).splitlines()[0], detail=str(exc))

    def close(self) -> None:
        """Stop the child. Every request is answered before the next, so it is idle: a kill
        loses nothing and skips the interpreter's slow torch teardown."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


def interleaved_times(workers: Sequence[Worker], repeat: int, warmup: int = 1
                      ) -> List[List[Dict[str, Any]]]:
    """Timed runs of `main()` in each worker (their replies: `seconds`, `minor_faults`, `error`),
    in rounds that alternate forward and reverse order (ABBA for two), so drift of the
    machine's speed hits every version alike."""
    for _ in range(warmup):
        for worker in workers:
            worker.request(cmd="time")
    replies: List[List[Dict[str, Any]]] = [[] for _ in workers]
    for i in range(repeat):
        order = list(range(len(workers)))
        for index in (order if i % 2 == 0 else order[::-1]):
            replies[index].append(workers[index].request(cmd="time"))
    return replies


def compare_outputs(worker: Worker, before: RunRecord, after: RunRecord) -> Optional[Comparison]:
    """Compare the saved return values (in a worker, which already has torch imported)."""
    unsaved = before.outputs_error or after.outputs_error
    if unsaved:
        return Comparison(False, "the return value could not be saved: %s" % unsaved)
    if not (before.outputs_file and after.outputs_file):
        return None
    reply = worker.request(cmd="compare", a=before.outputs_file, b=after.outputs_file)
    if "equal" not in reply:
        return Comparison(False, reply.get("error", "comparison failed"))
    return Comparison(bool(reply["equal"]), reply["detail"])
