#!/usr/bin/env python3
"""A tiny, deterministic stand-in for the Gemini API (generativelanguage,
v1beta), so that the real gemini CLI (@google/gemini-cli 0.61) can run offline
in rallish-tui's end-to-end tests.

Usage: python3 mock_gemini.py --port-file PATH --log PATH

The CLI is pointed here with GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:PORT (no
/v1beta: the CLI's genai client appends "/v1beta/models/<model>:<method>") and
GEMINI_API_KEY=<anything>; see gemini_home.py.

Binds 127.0.0.1 on a free port, writes the port number to --port-file
atomically (tmp file + rename) once listening, and serves until killed.
Every request is appended to --log as one JSON line (flushed at once):
  {"n", "method", "path", "model", "has_tools", "last_user_text",
   "tool_output", "reply", "command", "ts"}

POST .../models/<model>:streamGenerateContent (SSE) and :generateContent:
  * latest content is a user turn whose text holds "[rallish]" and a line
    "... pass the baton on by running: CMD", and the request offers the CLI's
    shell tool (run_shell_command) -> a functionCall of that tool running
    CMD, with the literal '...' or "..." (quotes included) in CMD replaced by
    "mock note from gemini after <N> requests" (N counts every request this
    server has seen, this one included);
  * latest content is a functionResponse -> text "Passed the baton.";
  * a side request without tools (the CLI asks for JSON from its helpers,
    e.g. a model router or a loop check) -> "Mock side reply." or, when the
    request asks for JSON (generationConfig.responseMimeType), "{}";
  * anything else -> short text "Mock reply: <first line of the prompt>".
POST ...:countTokens answers {"totalTokens": 10}; GET .../models answers a
one-model list; anything else gets 404 (and is still logged).

Debugging aid: with MOCK_DUMP_DIR set, each POST body and its headers are also
written there (see mock_common.py).
"""
import itertools
import json
import mock_common
from mock_common import dump, log, pass_command, serve

SHELL_TOOLS = ("run_shell_command",)

_counter = itertools.count(1)


def shell_tool(tools):
    """(name, argument key) of the CLI's shell tool among `tools`, or (None, None)."""
    for group in tools or []:
        for decl in group.get("functionDeclarations") or []:
            if decl.get("name") not in SHELL_TOOLS:
                continue
            schema = decl.get("parametersJsonSchema") or decl.get("parameters") or {}
            props = schema.get("properties") or {}
            for key in ("command", "cmd"):
                if key in props:
                    return decl["name"], key
    return None, None


def split_path(path):
    """'/v1beta/models/gemini-x:streamGenerateContent?alt=sse' -> (model, method)."""
    route = path.split("?")[0]
    last = route.rstrip("/").rsplit("/", 1)[-1]
    if ":" in last:
        model, method = last.split(":", 1)
        return model, method
    return None, None


class Handler(mock_common.Handler):
    def _log_other(self, n, model=None):
        log(n=n, method=self.command, path=self.path, model=model, has_tools=False,
            last_user_text=None, tool_output=None, reply=None, command=None)

    def do_GET(self):
        n = next(_counter)
        self._log_other(n)
        if self.path.split("?")[0].rstrip("/").endswith("/models"):
            self._json(200, {"models": [{"name": "models/gemini-2.5-flash",
                                         "displayName": "mock",
                                         "supportedGenerationMethods": [
                                             "generateContent", "countTokens"]}]})
        else:
            self._json(404, {"error": {"code": 404, "message": f"mock: no {self.path}",
                                       "status": "NOT_FOUND"}})

    def do_POST(self):
        n = next(_counter)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        model, method = split_path(self.path)
        dump(f"gemini-req{n}", path=self.path, headers=dict(self.headers), body=body)
        if not isinstance(body, dict):
            self._log_other(n, model)
            self._json(400, {"error": {"code": 400, "message": "mock: bad body",
                                       "status": "INVALID_ARGUMENT"}})
            return
        if method == "countTokens":
            self._log_other(n, model)
            self._json(200, {"totalTokens": 10})
            return
        if method not in ("streamGenerateContent", "generateContent"):
            self._log_other(n, model)
            self._json(404, {"error": {"code": 404, "message": f"mock: cannot serve {self.path}",
                                       "status": "NOT_FOUND"}})
            return

        contents = body.get("contents") or []
        last = contents[-1] if contents else {}
        parts = [p for p in last.get("parts") or [] if isinstance(p, dict)]
        last_user_text = tool_output = None
        responses = [p["functionResponse"] for p in parts if "functionResponse" in p]
        if responses:
            tool_output = "".join(json.dumps(r.get("response")) for r in responses)
        elif last.get("role", "user") == "user":
            # The first prompt of a session also carries a <session_context>
            # part (date, OS, directory listing); leave it out.
            last_user_text = "".join(
                p.get("text", "") for p in parts
                if not p.get("thought")
                and not p.get("text", "").lstrip().startswith("<session_context>"))
        tools = body.get("tools") or []
        tool_name, arg_key = shell_tool(tools)
        gen = body.get("generationConfig") or {}
        wants_json = gen.get("responseMimeType") == "application/json"

        call = None
        line = pass_command(last_user_text, "gemini", n) if tool_name else None
        if tool_output is not None:
            text = "Passed the baton."
        elif line is not None:
            call = {"name": tool_name, "args": {arg_key: line}}
            text = None
        elif wants_json:
            text = "{}"
        elif not tools:
            text = "Mock side reply."
        else:
            first = (last_user_text or "").strip().splitlines()
            text = "Mock reply: " + (first[0][:60] if first else "ok")

        # Side requests (no tools) quote the conversation: at start-up the CLI
        # asks for a one-line summary of the previous session, which holds its
        # notes. Their text goes to "side_text", so that "last_user_text" only
        # ever shows prompts the user (rallish-tui) submitted in this session.
        side_text = None
        if not tools:
            side_text, last_user_text = last_user_text, None
        log(n=n, method="POST", path=self.path, model=model, has_tools=bool(tools),
            last_user_text=last_user_text, tool_output=tool_output,
            reply="tool_call" if call else "text", command=call["args"] if call else None,
            side_text=side_text[:200] if side_text else None)

        if call:
            # Gemini 3 models expect a thought signature on function calls; this
            # documented dummy value makes the API (and the CLI) skip validation.
            part = {"functionCall": call, "thoughtSignature": "skip_thought_signature_validator"}
        else:
            part = {"text": text}
        chunk = {
            "candidates": [{"content": {"role": "model", "parts": [part]},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5,
                              "totalTokenCount": 15},
            "modelVersion": model or "mock-model",
            "responseId": f"resp_{n}",
        }
        if method == "generateContent":
            self._json(200, chunk)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")  # body ends when we close
        self.end_headers()
        self.wfile.write(f"data: {json.dumps(chunk)}\r\n\r\n".encode())
        self.wfile.flush()
        self.close_connection = True


def main():
    return serve(Handler, "Mock Gemini API for gemini-cli.")


if __name__ == "__main__":
    main()
