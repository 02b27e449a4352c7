#!/usr/bin/env python3
"""Seed HOME/.gemini so that the real gemini CLI (@google/gemini-cli 0.61)
starts straight into its prompt in a fresh HOME: no auth picker, no folder
trust dialog, no update notice, no usage-statistics traffic, no IDE nudge.

Usage: python3 gemini_home.py --home DIR --cwd DIR --base-url URL
  --base-url is the mock's root WITHOUT /v1beta, e.g. http://127.0.0.1:PORT

The model endpoint itself comes from the environment, which the caller sets
when it starts gemini (settings.json has no base-URL key):
  GOOGLE_GEMINI_BASE_URL=<the same URL>   GEMINI_API_KEY=<any non-empty string>
--base-url is therefore only recorded in HOME/.gemini/mock_base_url (for
people reading a test's home) and checked to be a URL.

Sandbox and approval settings are deliberately NOT set: gemini keeps its
defaults (no sandbox, approval mode "default": every shell command asks).
Allowing exactly rallish-tui's pass command is up to whoever starts gemini,
with a policy file (--policy FILE) or --allowed-tools; see the report.
"""
import argparse
import json
import os
from urllib.parse import urlparse


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="Write a gemini-cli home for the mock model.")
    ap.add_argument("--home", required=True)
    ap.add_argument("--cwd", required=True, help="project dir gemini will run in")
    ap.add_argument("--base-url", required=True)
    a = ap.parse_args()
    if urlparse(a.base_url).scheme not in ("http", "https"):
        ap.error(f"--base-url is not an http(s) URL: {a.base_url}")

    gemini_dir = os.path.join(a.home, ".gemini")
    settings = {
        "security": {
            # The auth picker shows when no type is selected; a user who chose
            # "Use Gemini API Key" once has this. The key is GEMINI_API_KEY.
            "auth": {"selectedType": "gemini-api-key"},
            # Folder trust is on by default; the folder is trusted below.
            "folderTrust": {"enabled": True},
        },
        "general": {
            "enableAutoUpdate": False,
            "enableAutoUpdateNotification": False,
        },
        # No usage statistics (Clearcut) to Google; no consent prompt either.
        "privacy": {"usageStatisticsEnabled": False},
        "telemetry": {"enabled": False},
        "ide": {"enabled": False, "hasSeenNudge": True},
        "ui": {
            # No random tips in the transcript (keeps screen checks stable).
            "hideTips": True,
            "hideBanner": True,
        },
        # A concrete model: the default "auto" asks a router model first.
        "model": {"name": "gemini-2.5-flash"},
    }
    write_json(os.path.join(gemini_dir, "settings.json"), settings)

    # Trust the folder as given and as resolved (/tmp may be a symlink).
    cwd = os.path.abspath(a.cwd)
    trusted = {p: "TRUST_FOLDER" for p in dict.fromkeys([cwd, os.path.realpath(cwd)])}
    write_json(os.path.join(gemini_dir, "trustedFolders.json"), trusted)

    with open(os.path.join(gemini_dir, "mock_base_url"), "w", encoding="utf-8") as f:
        f.write(a.base_url + "\n")


if __name__ == "__main__":
    main()
