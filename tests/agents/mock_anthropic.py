#!/usr/bin/env python3
"""A tiny, deterministic stand-in for the Anthropic Messages API.

It lets the real `claude` CLI run offline in rallish-tui's end-to-end tests
(point it here with ANTHROPIC_BASE_URL=http://127.0.0.1:<port>).

    python3 mock_anthropic.py --port-file PATH --log PATH

Binds 127.0.0.1 on a free port, writes the port number to --port-file once
listening (atomically), and serves until killed.  Every request is appended to
--log as one JSON line.

Behaviour of the main conversation request (the one whose `tools` include
`Bash`):
  * latest user text contains "[rallish]" and a line with
    "pass the baton on by running: <cmd>"  -> tool_use of Bash running <cmd>,
    with the literal '...' (or "...") replaced by "mock note from claude after N requests"
    (with --answer reply: the text "mock answer from claude after N requests" and no
    tool call; with --answer permission: a Bash command claude is not allowed to run);
  * latest user message is only tool_result blocks -> "Passed the baton.";
  * anything else -> "Mock reply: <first 40 chars of the text>".
Requests without tools (session title, summaries, auto-mode classifier, ...)
get a short plain text ("Mock session"), or a JSON object when they ask for
structured output.  Other paths: HEAD/GET /api/hello -> 200, count_tokens ->
{"input_tokens": 100}, anything else -> 404.  Python 3.11 stdlib only.
"""

import itertools
import json
import sys
import time
import uuid
from http.server import ThreadingHTTPServer

import mock_common
from mock_common import answer_note, dump, log, serve

_counter = itertools.count(1)  # numbers the /v1/messages requests


def block_text(content):
    """Join the text blocks of a message's content (str or list of blocks)."""
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content
                     if isinstance(b, dict) and b.get("type") == "text")


def tool_result_text(content):
    """Text of the first tool_result block in `content`, or None."""
    if not isinstance(content, list):
        return None
    for b in content:
        if isinstance(b, dict) and b.get("type") == "tool_result":
            inner = b.get("content", "")
            return inner if isinstance(inner, str) else block_text(inner)
    return None


def latest_user(messages):
    """(text, tool_result) of the latest user message.

    text is None when that message holds only tool_result blocks.
    claude-code adds <system-reminder> text blocks alongside a prompt; they
    are kept (the pass line is searched for anywhere in the text).
    """
    for m in reversed(messages or []):
        if m.get("role") != "user":
            continue
        content = m.get("content", "")
        result = tool_result_text(content)
        if isinstance(content, list) and content and all(
                isinstance(b, dict) and b.get("type") == "tool_result"
                for b in content):
            return None, result
        return block_text(content), result
    return None, None


def typed_text(messages):
    """The last text block of the latest user message that is not one of
    claude-code's injected <system-reminder> blocks (i.e. what was typed)."""
    for m in reversed(messages or []):
        if m.get("role") == "user":
            content = m.get("content", "")
            if isinstance(content, str):
                return content
            texts = [b.get("text", "") for b in content
                     if isinstance(b, dict) and b.get("type") == "text"
                     and not b.get("text", "").lstrip().startswith("<system-reminder>")]
            return texts[-1] if texts else ""
    return ""


def bash_input(tools, command):
    """Input for the Bash tool, using the field names of its input schema."""
    props = {}
    for t in tools or []:
        if t.get("name") == "Bash":
            props = (t.get("input_schema") or {}).get("properties") or {}
    cmd_key = "command" if "command" in props or not props else next(iter(props))
    args = {cmd_key: command}
    if "description" in props or not props:
        args["description"] = "Pass the baton"
    return args


def decide(body, n):
    """Return (content_blocks, stop_reason, reply_kind, log_fields)."""
    tools = body.get("tools") or []
    has_bash = any(t.get("name") == "Bash" for t in tools)
    text, result = latest_user(body.get("messages"))
    fields = {"has_tools": bool(tools), "last_user_text": text,
              "tool_result": result}
    if has_bash:
        answer = answer_note(text, "claude", n)
        if answer is not None and answer[0] == "text":
            return [{"type": "text", "text": answer[1]}], "end_turn", "text", fields
        if answer is not None:
            block = {"type": "tool_use", "id": "toolu_mock_%s" % uuid.uuid4().hex[:20],
                     "name": "Bash", "input": bash_input(tools, answer[1])}
            return [block], "tool_use", "tool_use", fields
        if text is None and result is not None:
            return [{"type": "text", "text": "Passed the baton."}], "end_turn", "text", fields
        reply = "Mock reply: " + typed_text(body.get("messages")).strip()[:40]
        return [{"type": "text", "text": reply}], "end_turn", "text", fields
    # Side request (session title, summary, ...).  Some ask for structured
    # output (output_config.format = json_schema, e.g. {"title": string});
    # answer those with a JSON object so claude can parse it.
    fmt = (body.get("output_config") or {}).get("format") or {}
    if fmt.get("type") == "json_schema":
        props = (fmt.get("schema") or {}).get("properties") or {}
        obj = {k: ("Mock session" if v.get("type") == "string" else None)
               for k, v in props.items()}
        return [{"type": "text", "text": json.dumps(obj)}], "end_turn", "text", fields
    return [{"type": "text", "text": "Mock session"}], "end_turn", "text", fields


def usage(out_tokens=5):
    return {"input_tokens": 10, "output_tokens": out_tokens,
            "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}


class Handler(mock_common.Handler):
    extra_headers = {"request-id": "req_mock"}

    def _read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        name = "claude-%.6f%s" % (time.time(), self.path.split("?")[0].replace("/", "_"))
        dump(name, path=self.path, body=raw.decode("utf-8", "replace"))
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return {}

    def do_GET(self):
        self._other()

    def do_HEAD(self):
        self._other()

    def do_POST(self):
        path = self.path.split("?")[0]
        if path == "/v1/messages":
            self._messages()
        elif path == "/v1/messages/count_tokens":
            body = self._read_json()
            log(**{"path": self.path, "model": body.get("model"), "stream": False,
                 "has_tools": bool(body.get("tools")), "last_user_text": None,
                 "tool_result": None, "reply": None})
            self._json(200, {"input_tokens": 100})
        else:
            self._other()

    def _other(self):
        if self.command == "POST":
            self._read_json()
        log(**{"path": self.path, "method": self.command, "model": None,
             "stream": False, "has_tools": False, "last_user_text": None,
             "tool_result": None, "reply": None})
        if self.path.split("?")[0] == "/api/hello" or self.command == "HEAD":
            # claude's connection warm-up ("HEAD /api/hello" at start-up,
            # unless CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC is set): 200.
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        # Anything else: an API-style 404 (claude treats these as optional).
        self._json(404, {"type": "error", "error": {
            "type": "not_found_error", "message": "not served by mock"}})

    def _messages(self):
        body = self._read_json()
        n = next(_counter)
        blocks, stop, kind, fields = decide(body, n)
        stream = bool(body.get("stream"))
        log(**{"path": self.path, "model": body.get("model"), "stream": stream,
             **fields, "reply": kind})
        msg = {"id": "msg_mock_%d" % n, "type": "message", "role": "assistant",
               "model": body.get("model") or "claude-mock", "content": blocks,
               "stop_reason": stop, "stop_sequence": None, "usage": usage()}
        if not stream:
            self._json(200, msg)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("request-id", "req_mock")
        self.send_header("Connection", "close")  # body ends when we close
        self.end_headers()
        self.close_connection = True

        def event(name, data):
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

        event("message_start", {"type": "message_start", "message": {
            **msg, "content": [], "stop_reason": None, "usage": usage(1)}})
        for i, b in enumerate(blocks):
            if b["type"] == "text":
                event("content_block_start", {"type": "content_block_start", "index": i,
                                              "content_block": {"type": "text", "text": ""}})
                t = b["text"]
                for chunk in (t[k:k + 12] for k in range(0, len(t), 12)):
                    event("content_block_delta", {"type": "content_block_delta", "index": i,
                                                  "delta": {"type": "text_delta", "text": chunk}})
            else:  # tool_use: input arrives as partial JSON strings
                event("content_block_start", {"type": "content_block_start", "index": i,
                                              "content_block": {**b, "input": {}}})
                js = json.dumps(b["input"])
                half = len(js) // 2
                for part in (js[:half], js[half:]):
                    event("content_block_delta", {"type": "content_block_delta", "index": i,
                                                  "delta": {"type": "input_json_delta",
                                                            "partial_json": part}})
            event("content_block_stop", {"type": "content_block_stop", "index": i})
        event("message_delta", {"type": "message_delta",
                                "delta": {"stop_reason": stop, "stop_sequence": None},
                                "usage": {"output_tokens": 5}})
        event("message_stop", {"type": "message_stop"})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # claude drops connections when a turn is interrupted or it exits;
        # that is normal, so don't print tracebacks for it.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def main():
    return serve(Handler, __doc__.splitlines()[0], Server)


if __name__ == "__main__":
    sys.exit(main())
