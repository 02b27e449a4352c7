#!/usr/bin/env python3
"""Write CODEX_HOME/config.toml so that the real codex CLI (0.171) talks to the
local mock model server (mock_openai.py) and starts straight into its prompt:
no login screen, no trust prompt, no update check.

Usage: python3 codex_home.py --codex-home DIR --cwd DIR --base-url URL
  --base-url is the mock's root including /v1, e.g. http://127.0.0.1:PORT/v1

Sandbox and approval settings are deliberately NOT set: codex keeps its
defaults. With the project trusted those are sandbox "workspace-write"
(writable: the cwd, /tmp and $TMPDIR; no network, no socket connect()) and
approvals "on-request" (/status shows "Workspace (Ask for approval)").
"""
import argparse
import json
import os


def toml_str(s):
    return json.dumps(s)  # JSON string escapes are valid TOML basic strings


def main():
    ap = argparse.ArgumentParser(description="Write a CODEX_HOME for the mock model.")
    ap.add_argument("--codex-home", required=True)
    ap.add_argument("--cwd", required=True, help="project dir codex will run in")
    ap.add_argument("--base-url", required=True)
    a = ap.parse_args()

    # Trust the folder as given and as resolved (/tmp may be a symlink).
    cwd = os.path.abspath(a.cwd)
    projects = "".join(
        f"\n[projects.{toml_str(p)}]\ntrust_level = \"trusted\"\n"
        for p in dict.fromkeys([cwd, os.path.realpath(cwd)]))

    config = f"""\
# Written by tests/agents/codex_home.py for rallish-tui's end-to-end tests.
model_provider = "mock"
# Unknown to codex's model catalog: it warns "Model metadata for `mock-model`
# not found" (behind "f2 to view") and falls back to defaults, which give the
# model the plain `exec_command` tool. A real slug would switch on model
# features (code mode, responses-lite) that the mock does not speak.
model = "mock-model"
check_for_update_on_startup = false

[model_providers.mock]
name = "mock"
base_url = {toml_str(a.base_url)}
wire_api = "responses"
# No API key and no ChatGPT login: codex shows no login screen.
requires_openai_auth = false

[analytics]
enabled = false

[tui]
# No random "Tip: ..." lines in the transcript (keeps screen checks stable).
show_tooltips = false
# codex writes this itself after its first start; set it up front.
screen_reader_detection_done = true
{projects}"""
    os.makedirs(a.codex_home, exist_ok=True)
    path = os.path.join(a.codex_home, "config.toml")
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(config)
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
