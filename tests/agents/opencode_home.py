#!/usr/bin/env python3
"""Seed HOME/.config/opencode/opencode.json so that the real opencode CLI
(opencode-ai 1.18) talks to the local mock model server (mock_openai.py, its
POST /v1/chat/completions) and starts straight into its prompt in a fresh HOME:
no provider/login picker, no update check, no sharing.

Usage: python3 opencode_home.py --home DIR --cwd DIR --base-url URL
  --base-url is the mock's root including /v1, e.g. http://127.0.0.1:PORT/v1

The provider is "@ai-sdk/openai-compatible", which opencode 1.18 bundles: it
installs nothing from npm at run time for it.

opencode fetches its model catalog from https://models.dev at start-up;
offline that only costs a failed request. Set OPENCODE_DISABLE_MODELS_FETCH=1
in its environment to skip it.

Permission settings are deliberately NOT set: opencode keeps its defaults.
Allowing exactly rallish-tui's pass command is up to whoever starts opencode
(see the report: a `permission.bash` pattern via OPENCODE_CONFIG_CONTENT).
--cwd is only checked to exist: opencode has no folder-trust prompt.
"""
import argparse
import json
import os
from urllib.parse import urlparse

PROVIDER = "mock"
MODEL = "mock-model"


def main():
    ap = argparse.ArgumentParser(description="Write an opencode home for the mock model.")
    ap.add_argument("--home", required=True)
    ap.add_argument("--cwd", required=True, help="project dir opencode will run in")
    ap.add_argument("--base-url", required=True)
    a = ap.parse_args()
    if urlparse(a.base_url).scheme not in ("http", "https"):
        ap.error(f"--base-url is not an http(s) URL: {a.base_url}")
    if not os.path.isdir(a.cwd):
        ap.error(f"--cwd is not a directory: {a.cwd}")

    config = {
        "$schema": "https://opencode.ai/config.json",
        "provider": {
            PROVIDER: {
                "npm": "@ai-sdk/openai-compatible",
                "name": "Mock",
                "options": {"baseURL": a.base_url, "apiKey": "sk-mock-opencode"},
                "models": {MODEL: {"name": "Mock model", "tool_call": True}},
            }
        },
        "model": f"{PROVIDER}/{MODEL}",
        # Titles and summaries go to the mock too, never to a hosted model.
        "small_model": f"{PROVIDER}/{MODEL}",
        "enabled_providers": [PROVIDER],
        "autoupdate": False,
        "share": "disabled",
    }
    path = os.path.join(a.home, ".config", "opencode", "opencode.json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
