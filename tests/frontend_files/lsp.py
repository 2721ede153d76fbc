"""A small Language Server Protocol client: JSON-RPC over the standard input and output of a
real `nograd-lint server` process, as an editor talks to it."""
from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

from frontend_files.helpers import environment, script

TIMEOUT = 120.0


class LspClient:
    def __init__(self, cwd: Path, command: Optional[list[str]] = None) -> None:
        command = command or [script("nograd-lint"), "server"]
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment())
        self.inbox: "queue.Queue[dict]" = queue.Queue()
        self.notifications: list[dict] = []
        self.responses: dict[int, dict] = {}
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    # -- the wire --------------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            self.inbox.put(json.loads(stream.read(int(headers["content-length"]))))

    def _pump(self, until: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not until():
            try:
                message = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {what} from the server within {TIMEOUT:.0f} s; stderr: "
                                     f"{self.stderr_so_far()}") from None
            if "id" in message and "method" in message:  # a request from the server: answer it
                self._send({"id": message["id"], "result": None})
            elif "id" in message:
                self.responses[message["id"]] = message
            else:
                self.notifications.append(message)

    def stderr_so_far(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        return self.process.stderr.read().decode("utf-8", "replace")

    # -- requests and notifications --------------------------------------------------------------
    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        ident = self.next_id
        self._send({"id": ident, "method": method, "params": params})
        self._pump(lambda: ident in self.responses, f"answer to {method}")
        response = self.responses.pop(ident)
        assert "error" not in response, response["error"]
        return response["result"]

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def diagnostics(self, uri: str, count: int = 1) -> list[list[dict]]:
        """The diagnostics of the next `count` publications for `uri`, in order (consumed)."""
        def published() -> list[dict]:
            return [n for n in self.notifications
                    if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri]

        self._pump(lambda: len(published()) >= count, f"diagnostics for {uri}")
        found = published()[:count]
        for notification in found:
            self.notifications.remove(notification)
        return [notification["params"]["diagnostics"] for notification in found]

    def initialize(self, root: Path, capabilities: Optional[dict] = None) -> dict:
        result = self.request("initialize", {"processId": None, "rootUri": root.as_uri(),
                                             "capabilities": capabilities or {}})
        self.notify("initialized", {})
        return result

    def close(self) -> int:
        if self.process.poll() is None:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.stdin.close()
        return self.process.wait(timeout=TIMEOUT)


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply LSP text edits (0-based lines, UTF-16 characters) to `text`."""
    lines = text.splitlines(keepends=True)

    def offset(position: dict) -> int:
        if position["line"] >= len(lines):
            return len(text)
        line = lines[position["line"]]
        units, index = 0, 0
        while units < position["character"] and index < len(line):
            units += 2 if ord(line[index]) > 0xFFFF else 1
            index += 1
        return sum(len(part) for part in lines[:position["line"]]) + index

    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                       reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text
