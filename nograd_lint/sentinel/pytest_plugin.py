"""pytest plugin: `pytest --nograd-sentinel[=warn|error]` runs each test under the sentinel.

Each test (setup, call and teardown) is one watch, decided when its call phase ends: a call
site of the test's code whose graphs no backward used by then is a finding of that test. `warn`
(the default value) adds a warning to the test; `error` fails it. At the end the findings of
every test are merged per call site and printed with the static cross-check. Works with
pytest-xdist (workers send their findings to the controller). Registered with the `pytest11`
entry point; does nothing, and imports no torch, unless the option is given.
"""
from __future__ import annotations

import dataclasses
import json
from typing import List

import pytest

from .records import SiteRecord, merge

OPTION = "--nograd-sentinel"
MODES = ("warn", "error")
_WORKER_KEY = "nograd_sentinel"


class SentinelWarning(pytest.PytestWarning):
    """A test ran forwards whose graphs no backward used."""


def pytest_addoption(parser) -> None:
    group = parser.getgroup("nograd-sentinel", "runtime sentinel for wasted autograd graphs")
    group.addoption(OPTION, nargs="?", const="warn", default=None,
                    help="report forwards that built a graph no backward used (eval-mode "
                         "modules with gradients on, frozen modules fed graphs): `warn` "
                         "(default) warns, `error` fails the test")


def pytest_load_initial_conftests(early_config, parser, args: List[str]) -> None:
    """A bare `--nograd-sentinel` would take the next argument (a test path) as its value.

    pytest parses the command line once before this hook (that parse only finds plugins and
    conftests) and again after it, with these arguments."""
    args[:] = [OPTION + "=warn" if arg == OPTION else arg for arg in args]


def pytest_configure(config) -> None:
    mode = config.getoption(OPTION.lstrip("-").replace("-", "_"))
    if mode is None:
        return
    if mode not in MODES:
        raise pytest.UsageError("%s takes warn or error, not %r (write %s=warn before test paths)"
                                % (OPTION, mode, OPTION))
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise pytest.UsageError("%s needs torch: pip install 'nograd-lint[verify]'" % OPTION)
    config.pluginmanager.register(SentinelPlugin(config, mode), "nograd-sentinel")


def _message(findings: List[SiteRecord]) -> str:
    from .report import finding_line

    return "nograd sentinel: graphs no backward used:\n" + "\n".join(
        "  " + finding_line(record) for record in findings)


class SentinelPlugin:
    """The session's watches and findings."""

    def __init__(self, config, mode: str) -> None:
        self.config, self.mode = config, mode
        self.findings: List[SiteRecord] = []
        self.errors: List[str] = []  # "test id: error" where the sentinel stopped early
        self._sentinel = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        from .watch import Sentinel

        self._sentinel = sentinel = Sentinel()
        try:
            with sentinel:
                return (yield)
        finally:
            self._sentinel = None
            if sentinel.error:
                self.errors.append("%s: %s" % (item.nodeid, sentinel.error))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        try:
            result = yield
        except BaseException:
            self._decide(item)
            raise
        found = self._decide(item)
        if found and self.mode == "error":
            pytest.fail(_message(found), pytrace=False)
        if found:
            item.warn(SentinelWarning(_message(found)))
        return result

    def _decide(self, item) -> List[SiteRecord]:
        """The test's findings now that its call phase ended."""
        found = self._sentinel.findings() if self._sentinel is not None else []
        self.findings.extend(dataclasses.replace(r, tests=[item.nodeid]) for r in found)
        return found

    def pytest_sessionfinish(self, session) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller reports
            workeroutput[_WORKER_KEY] = json.dumps({"findings": [r.to_dict() for r in self.findings],
                                                    "errors": self.errors})

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error) -> None:
        data = getattr(node, "workeroutput", {}).get(_WORKER_KEY)
        if data:
            sent = json.loads(data)
            self.findings.extend(SiteRecord.from_dict(r) for r in sent["findings"])
            self.errors.extend(sent["errors"])

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if getattr(self.config, "workeroutput", None) is not None:
            return
        from .crosscheck import cross_check
        from .report import text_lines

        records = merge(self.findings)
        cross_check(records)
        terminalreporter.section("nograd sentinel")
        for line in text_lines(records):
            terminalreporter.write_line(line)
        for error in self.errors:
            terminalreporter.write_line("the sentinel stopped watching %s (an error of its own)"
                                        % error)
