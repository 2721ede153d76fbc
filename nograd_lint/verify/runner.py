"""Parent side of the child processes: start them, send commands, interleave timing runs."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .records import last_lines

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding nograd_lint/
START_UP_ALLOWANCE = 120.0  # seconds for importing torch and warming it up, on top of --timeout
EXIT_WAIT = 10.0  # seconds a child that closed its output gets to exit on its own


def child_env(threads: Optional[int] = None) -> Dict[str, str]:
    """The environment of a child: this package importable even when not installed.

    OpenMP threads sleep instead of spinning while they wait (unless the caller chose a policy):
    on a machine whose cores are busy with other work, spinning threads make torch's parallel
    regions many times slower and the timings meaningless.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if threads:
        env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = str(threads)
    return env


class ChildError(RuntimeError):
    """A child process died, hung, or broke the protocol; `output` is what it printed last."""

    def __init__(self, label: str, message: str, output: str = "") -> None:
        super().__init__("%s: %s" % (label, message))
        self.label, self.message, self.output = label, message, output


def how_it_ended(returncode: Optional[int]) -> str:
    """`exited with code 3`, `was killed by SIGKILL (out of memory?)`."""
    if returncode is None:
        return "is still running"
    if returncode >= 0:
        return "exited with code %d" % returncode
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = "signal %d" % -returncode
    hint = " (out of memory?)" if name == "SIGKILL" else ""
    return "was killed by %s%s" % (name, hint)


_DOING = {"run": "calling TARGET", "instrument": "calling TARGET with hooks",
          "time": "timing TARGET", "compare": "comparing return values"}


class Worker:
    """One version of a script running in its own fresh `child` process.

    Its stderr (the script's prints too) goes to a log file; `output` is what the last request
    (or the start-up) printed there, so messages can quote it.
    """

    def __init__(self, label: str, file: Path, workdir: Path, cwd: Path,
                 extra_paths: Sequence[Path] = (), threads: Optional[int] = None,
                 timeout: float = 600.0, function: str = "main", seed: Optional[int] = 0) -> None:
        self.label, self.workdir, self.timeout = label, workdir, timeout
        self.function = function
        self.log = workdir / ("%s.log" % label)
        extra = [a for p in extra_paths for a in ("--sys-path", str(p))]
        command = [sys.executable, "-m", "nograd_lint.verify.child", str(file),
                   "--function", function, *extra]
        if seed is not None:
            command += ["--seed", str(seed)]
        with open(self.log, "wb") as stderr:
            self.proc = subprocess.Popen(command, cwd=cwd, env=child_env(threads), text=True,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=stderr)
        self._ready: Optional[Dict[str, Any]] = None
        self._log_offset = 0
        self.output = ""

    def _take_output(self) -> str:
        try:
            with open(self.log, "rb") as fh:
                fh.seek(self._log_offset)
                data = fh.read()
        except OSError:
            return ""
        self._log_offset += len(data)
        self.output = data.decode("utf-8", errors="replace")
        return self.output

    def _read(self, timeout: float, doing: str) -> Dict[str, Any]:
        readable, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if readable else ""
        if line:
            self._take_output()
            return json.loads(line)
        if not readable:
            self.close()
            output = self._take_output()
            raise ChildError(self.label, "no answer within %gs while %s (--timeout)"
                             % (timeout, doing), output)
        try:  # the child closed its output: let it finish exiting and report how it ended
            self.proc.wait(timeout=EXIT_WAIT)
        except subprocess.TimeoutExpired:
            pass
        ended = how_it_ended(self.proc.poll())
        self.close()
        output = self._take_output()
        message = "the child process %s while %s" % (ended, doing)
        last = last_lines(output, 1).strip()
        raise ChildError(self.label, message + (": %s" % last if last else ""), output)

    def ready(self) -> Dict[str, Any]:
        """The child's first message: `{"ready": true, ...}` or the load error."""
        if self._ready is None:
            self._ready = self._read(self.timeout + START_UP_ALLOWANCE, "starting")
        return self._ready

    def request(self, **command: Any) -> Dict[str, Any]:
        self.ready()
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        doing = _DOING.get(command.get("cmd"), "answering %s" % command.get("cmd"))
        return self._read(self.timeout, doing.replace("TARGET", "%s()" % self.function))

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
    """Timed runs of the target in each worker (their replies: `seconds`, `minor_faults`,
    `error`), in rounds that alternate forward and reverse order (ABBA for two), so drift of
    the machine's speed hits every version alike."""
    for _ in range(warmup):
        for worker in workers:
            worker.request(cmd="time")
    replies: List[List[Dict[str, Any]]] = [[] for _ in workers]
    for i in range(repeat):
        order = list(range(len(workers)))
        for index in (order if i % 2 == 0 else order[::-1]):
            replies[index].append(workers[index].request(cmd="time"))
    return replies
