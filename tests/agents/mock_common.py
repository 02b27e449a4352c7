"""What every mock model server here shares: the command line, the request log, the
debugging dump, and how a rallish handoff note is recognised and answered.

A mock is run as `python3 mock_X.py --port-file PATH --log PATH [--answer HOW]`: it binds a free
loopback port, writes the number to --port-file once listening (through a rename, so a
reader never sees half of it), and appends one JSON line per request to --log, stamped
with the time it arrived. With MOCK_DUMP_DIR set, each request body is also saved there.

--answer says how a rallish note is answered (see `answer_note`): "pass" (the default)
runs the note's pass command; "reply" ends the turn with a text answer and no pass, as a
real model often does; "permission" asks to run a command the agent is not allowed to.
Python 3.11 stdlib only.
"""

import argparse
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PASS_MARKER = "pass the baton on by running: "
# The command a note is answered with under --answer permission: no agent allows it
# without asking (rallish-tui allows only its own pass command).
PERMISSION_PROBE = "curl -sS -o mock-permission-probe https://example.invalid/probe"

ANSWER = "pass"

_log_lock = threading.Lock()
_log_file = None


def log(**entry):
    """Appends one request to the log, with the time it arrived (for latencies)."""
    entry["ts"] = time.time()
    with _log_lock:
        _log_file.write(json.dumps(entry) + "\n")
        _log_file.flush()


def dump(name, **fields):
    """Saves a request for debugging when MOCK_DUMP_DIR is set."""
    folder = os.environ.get("MOCK_DUMP_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"{name}.json"), "w") as f:
            json.dump(fields, f, indent=1)


def pass_command(text, agent, n):
    """The pass command a rallish note asks for, with its '...' (or "...") placeholder
    filled with a note naming `agent` and the request count `n`; None for other text."""
    if not text or "[rallish]" not in text:
        return None
    for line in text.splitlines():
        i = line.find(PASS_MARKER)
        if i >= 0:
            command = line[i + len(PASS_MARKER):].strip()
            note = f"mock note from {agent} after {n} requests"
            return command.replace("'...'", f"'{note}'").replace('"..."', f'"{note}"')
    return None


def answer_note(text, agent, n):
    """How a mock answers a user message: ("command", CMD) to run a shell command,
    ("text", TEXT) to end the turn with TEXT, or None when `text` is no rallish note."""
    command = pass_command(text, agent, n)
    if command is None:
        return None
    if ANSWER == "reply":
        return "text", f"mock answer from {agent} after {n} requests"
    if ANSWER == "permission":
        return "command", PERMISSION_PROBE
    return "command", command


class Handler(BaseHTTPRequestHandler):
    """A keep-alive handler, as the real APIs are, that answers JSON and logs to --log
    only (not stderr). `extra_headers` go on every JSON answer."""

    protocol_version = "HTTP/1.1"
    extra_headers = {}

    def log_message(self, *args):
        pass

    def _json(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def serve(handler, description, server_class=ThreadingHTTPServer):
    """Parses the command line, opens the log and serves `handler` until killed."""
    global _log_file, ANSWER
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--answer", choices=["pass", "reply", "permission"], default="pass")
    args = ap.parse_args()
    ANSWER = args.answer
    _log_file = open(args.log, "a", encoding="utf-8")
    server = server_class(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    tmp = f"{args.port_file}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
