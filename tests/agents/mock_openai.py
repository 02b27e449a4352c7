#!/usr/bin/env python3
"""A tiny, deterministic stand-in for the OpenAI Responses API, so that the real
codex CLI (0.171) can run offline in rallish-tui's end-to-end tests.

Usage: python3 mock_openai.py --port-file PATH --log PATH

Binds 127.0.0.1 on a free port, writes the port number to --port-file
atomically (tmp file + rename) once listening, and serves until killed.
Every request is appended to --log as one JSON line (flushed at once):
  {"n", "method", "path", "model", "has_tools", "last_user_text",
   "tool_output", "reply", "command"}

POST /v1/responses is always answered as an SSE stream:
  * latest input item is a user message containing "[rallish]" and a line
    "... pass the baton on by running: CMD", and the request offers codex's
    command tool -> a function call of that tool running CMD, with the literal
    '...' or "..." (quotes included) in CMD replaced by
    "mock note from codex after <N> requests" (N counts every request this
    server has seen, this one included); with --answer reply the text
    "mock answer from codex after <N> requests" instead, and no call;
  * latest input item is a function_call_output -> text "Passed the baton."
    (codex then ends the turn);
  * anything else -> short text "Mock reply: <first line of the prompt>".
    Side requests without tools (codex asks for a thread title after the
    first prompt) get "Mock side reply." so they never look like a turn.
POST /v1/chat/completions (OpenAI Chat Completions, as opencode's
@ai-sdk/openai-compatible provider sends it) gets the same three answers,
streamed as chat.completion.chunk events (a tool call: one delta with the
whole arguments, finish_reason "tool_calls") ending in "data: [DONE]"; the
shell tool there is opencode's `bash` ({"command", "description"}), and the
note reads "mock note from opencode after <N> requests" (codex speaks only
the Responses API). There --answer reply answers "mock answer from opencode
after <N> requests", and --answer permission calls opencode's `read` tool on
a file outside the project, which opencode asks about by default.
GET .../models answers a one-model list; any other path gets 404 (and is
still logged, so unexpected calls show up in the log).

Debugging aid: with MOCK_DUMP_DIR set, each POST body and its headers are also
written there (see mock_common.py).
"""
import itertools
import json
import time
import mock_common
from mock_common import answer_note, dump, log, pass_command, serve

MODEL_SLUG = "mock-model"

_counter = itertools.count(1)  # numbers every request (ids, the note's <N>)


def message_text(item):
    """Text of a message item; content is a string or a list of parts."""
    content = item.get("content")
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


def call_output_text(item):
    """Text of a function_call_output; output is a string or a list of parts."""
    out = item.get("output")
    if isinstance(out, str):
        return out
    if isinstance(out, list):
        return "".join(p.get("text", "") for p in out if isinstance(p, dict))
    if isinstance(out, dict):  # older shape: {"content": "...", "success": ...}
        return str(out.get("content") or "")
    return ""


def command_tool(tools):
    """Find codex's shell tool among the request's `tools`.

    Returns (tool name, function: command line -> arguments dict), or
    (None, None). codex 0.171 offers `exec_command` with {"cmd": string};
    other versions/models offered `shell_command` ({"command": string}) or
    `shell` ({"command": [argv...]}), so read the parameter schema. A tool that
    takes `sandbox_permissions` gets the permission probe escalated (see
    `escalated`).
    """
    by_name = {t.get("name"): t for t in tools if t.get("type") == "function"}
    for name in ("exec_command", "shell_command", "shell"):
        props = ((by_name.get(name) or {}).get("parameters") or {}).get("properties") or {}
        for key in ("cmd", "command"):
            if key not in props:
                continue
            if props[key].get("type") == "array":
                make = lambda line, k=key: {k: ["bash", "-lc", line]}
            else:
                make = lambda line, k=key: {k: line}
            if "sandbox_permissions" not in props:
                return name, make
            return name, lambda line, m=make: escalated(m(line), line)
    return None, None


def escalated(args, line):
    """Under --answer permission, the probe asks to run outside codex's sandbox, as a
    real model does for a command that needs the network (codex's instructions say so):
    `sandbox_permissions: "require_escalated"` with a justification. codex's default
    approval policy ("on-request") must then ask the person."""
    if mock_common.ANSWER == "permission" and line == mock_common.PERMISSION_PROBE:
        args["sandbox_permissions"] = "require_escalated"
        args["justification"] = "Do you want to let the mock fetch its probe?"
    return args


def sse(event_type, **payload):
    payload["type"] = event_type
    return f"event: {event_type}\ndata: {json.dumps(payload)}\n\n".encode()


class Handler(mock_common.Handler):
    def _log_other(self, n):
        log(n=n, method=self.command, path=self.path, model=None, has_tools=False,
            last_user_text=None, tool_output=None, reply=None, command=None)

    def do_GET(self):
        n = next(_counter)
        self._log_other(n)
        if self.path.split("?")[0].rstrip("/").endswith("/models"):
            # OpenAI's list shape ("data") and codex's own ("models": none extra).
            self._json(200, {"object": "list", "models": [],
                             "data": [{"id": MODEL_SLUG, "object": "model", "owned_by": "mock"}]})
        else:
            self._json(404, {"error": {"message": f"mock: no {self.path}"}})

    def do_POST(self):
        n = next(_counter)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            # codex could zstd-compress bodies (only for OpenAI's own endpoints);
            # stdlib cannot read that, so it would land in the 404 branch below.
            body = json.loads(raw) if not self.headers.get("Content-Encoding") else None
        except ValueError:
            body = None
        if isinstance(body, dict) and self.path.split("?")[0].rstrip("/").endswith("/chat/completions"):
            self._chat_completions(n, body)
            return
        if not isinstance(body, dict) or not self.path.split("?")[0].rstrip("/").endswith("/responses"):
            self._log_other(n)
            self._json(404, {"error": {"message": f"mock: cannot serve {self.path}"}})
            return
        dump(f"openai-req{n}", headers=dict(self.headers), body=body)

        items = body.get("input") or []
        if isinstance(items, str):
            items = [{"type": "message", "role": "user", "content": items}]
        last = items[-1] if items else {}
        last_user_text = tool_output = None
        if last.get("type") == "function_call_output":
            tool_output = call_output_text(last)
        elif last.get("role") == "user":
            last_user_text = message_text(last)
        tools = body.get("tools") or []
        tool_name, make_args = command_tool(tools)

        call = None
        answer = answer_note(last_user_text, "codex", n) if tool_name else None
        line = answer[1] if answer and answer[0] == "command" else None
        if tool_output is not None:
            text = "Passed the baton."
        elif answer is not None and answer[0] == "text":
            text = answer[1]
        elif line is not None:
            call = {"type": "function_call", "id": f"fc_{n}", "call_id": f"call_{n}",
                    "name": tool_name, "arguments": json.dumps(make_args(line)),
                    "status": "completed"}
            text = None
        elif not tools:
            text = "Mock side reply."
        else:
            first = (last_user_text or "").strip().splitlines()
            text = "Mock reply: " + (first[0][:60] if first else "ok")

        log(n=n, method="POST", path=self.path, model=body.get("model"),
            has_tools=bool(tools), last_user_text=last_user_text,
            tool_output=tool_output, reply="tool_call" if call else "text",
            command=json.loads(call["arguments"]) if call else None)
        self._stream(n, body.get("model") or MODEL_SLUG, call, text)

    def _stream(self, n, model, call, text):
        """One output item: the function call, or an assistant message."""
        resp = {"id": f"resp_{n}", "object": "response", "model": model,
                "status": "in_progress", "output": []}
        events = [sse("response.created", response=resp),
                  sse("response.in_progress", response=resp)]
        if call:
            item = call
            events.append(sse("response.output_item.added", output_index=0, item=item))
        else:
            item = {"type": "message", "id": f"msg_{n}", "role": "assistant",
                    "status": "completed",
                    "content": [{"type": "output_text", "text": text, "annotations": []}]}
            events += [
                sse("response.output_item.added", output_index=0,
                    item=dict(item, status="in_progress", content=[])),
                sse("response.output_text.delta", item_id=item["id"], output_index=0,
                    content_index=0, delta=text),
            ]
        events.append(sse("response.output_item.done", output_index=0, item=item))
        usage = {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0},
                 "output_tokens": 5, "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": 15}
        events.append(sse("response.completed",
                          response=dict(resp, status="completed", output=[item], usage=usage)))

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")  # body ends when we close
        self.end_headers()
        self.wfile.write(b"".join(events))
        self.wfile.flush()
        self.close_connection = True

    # --- Chat Completions (opencode, via @ai-sdk/openai-compatible) ----------

    def _chat_completions(self, n, body):
        """POST .../chat/completions, the same answers as /responses gives."""
        dump(f"openai-req{n}", headers=dict(self.headers), body=body)
        messages = body.get("messages") or []
        last = messages[-1] if messages else {}
        last_user_text = tool_output = None
        if last.get("role") == "tool":
            tool_output = message_text(last)
        elif last.get("role") == "user":
            last_user_text = message_text(last)
        tools = body.get("tools") or []
        tool_name, make_args = chat_command_tool(tools)
        call = None
        # codex never asks here: Chat Completions is opencode's wire.
        line = pass_command(last_user_text, "opencode", n) if tool_name else None
        read_tool = any((t.get("function") or {}).get("name") == "read" for t in tools)
        permission = line is not None and mock_common.ANSWER == "permission" and read_tool
        if tool_output is not None:
            text = "Passed the baton."
        elif line is not None and mock_common.ANSWER == "reply":
            text = f"mock answer from opencode after {n} requests"
        elif permission:
            call = {"id": f"call_{n}", "type": "function",
                    "function": {"name": "read",
                                 "arguments": json.dumps({"filePath": OPENCODE_PERMISSION_PROBE})}}
            text = None
        elif line is not None:
            call = {"id": f"call_{n}", "type": "function",
                    "function": {"name": tool_name, "arguments": json.dumps(make_args(line))}}
            text = None
        elif not tools:
            text = "Mock side reply."
        else:
            first = (last_user_text or "").strip().splitlines()
            text = "Mock reply: " + (first[0][:60] if first else "ok")

        log(n=n, method="POST", path=self.path, model=body.get("model"),
            has_tools=bool(tools), last_user_text=last_user_text,
            tool_output=tool_output, reply="tool_call" if call else "text",
            command=json.loads(call["function"]["arguments"]) if call else None)

        model = body.get("model") or MODEL_SLUG
        base = {"id": f"chatcmpl_{n}", "object": "chat.completion.chunk",
                "created": int(time.time()), "model": model}

        def chunk(delta, finish=None, **extra):
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return ("data: " + json.dumps(dict(base, choices=[choice], **extra)) + "\n\n").encode()

        if call:
            events = [chunk({"role": "assistant", "content": None,
                             "tool_calls": [dict(call, index=0)]}),
                      chunk({}, "tool_calls")]
        else:
            events = [chunk({"role": "assistant", "content": ""}),
                      chunk({"content": text}),
                      chunk({}, "stop")]
        usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        events.append(("data: " + json.dumps(dict(base, choices=[], usage=usage)) + "\n\n").encode())
        events.append(b"data: [DONE]\n\n")
        if not body.get("stream"):
            msg = {"role": "assistant", "content": text}
            if call:
                msg["tool_calls"] = [call]
            self._json(200, {"id": f"chatcmpl_{n}", "object": "chat.completion",
                             "created": base["created"], "model": model, "usage": usage,
                             "choices": [{"index": 0, "message": msg,
                                          "finish_reason": "tool_calls" if call else "stop"}]})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")  # body ends when we close
        self.end_headers()
        self.wfile.write(b"".join(events))
        self.wfile.flush()
        self.close_connection = True


# Under --answer permission, the file opencode's model asks to read instead of passing:
# by default opencode allows every tool but asks before one reaches outside the project
# ("external_directory"); its shell commands it does not check that way.
OPENCODE_PERMISSION_PROBE = "/etc/hostname"


def chat_command_tool(tools):
    """The shell tool among Chat Completions `tools` ({"type": "function",
    "function": {"name", "parameters"}}): (name, command line -> arguments),
    or (None, None). opencode offers `bash` with {"command": string,
    "description": string (required), "timeout", "workdir"}; required string
    parameters other than the command get a short text."""
    for t in tools:
        fn = t.get("function") or {}
        if t.get("type") != "function" or fn.get("name") not in ("bash", "shell", "exec_command"):
            continue
        params = fn.get("parameters") or {}
        props = params.get("properties") or {}
        for key in ("command", "cmd"):
            if key not in props:
                continue
            others = {r: "Pass the baton" for r in params.get("required") or []
                      if r != key and (props.get(r) or {}).get("type") == "string"}
            if props[key].get("type") == "array":
                return fn["name"], lambda line, k=key, o=others: dict(o, **{k: ["bash", "-lc", line]})
            return fn["name"], lambda line, k=key, o=others: dict(o, **{k: line})
    return None, None


def main():
    return serve(Handler, "Mock OpenAI Responses and Chat Completions APIs for codex and opencode.")


if __name__ == "__main__":
    main()
