#!/usr/bin/env python3
"""Seed a fresh HOME so the real `claude` CLI (2.1.332) starts straight into
its prompt: no onboarding, theme picker, API-key approval, folder-trust
dialog, release notes or login screen.

    python3 claude_home.py --home DIR --cwd DIR --api-key KEY

Writes DIR/.claude.json (replacing it) and DIR/.claude/settings.json (merged
into an existing one).  Nothing here bypasses or pre-approves any tool:
settings.json pins the classic "default" (ask) permission mode, see below.
Python 3.11 stdlib only.
"""

import argparse
import json
import os

CLAUDE_VERSION = "2.1.332"

# Also recommended in claude's own environment (see settings "env" below).
QUIET_ENV = (
    "DISABLE_AUTOUPDATER",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
    "DISABLE_TELEMETRY",
    "DISABLE_ERROR_REPORTING",
    "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL",
)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", required=True)
    ap.add_argument("--cwd", required=True, help="project dir claude runs in")
    ap.add_argument("--api-key", required=True)
    ap.add_argument("--mode", choices=["auto", "manual"], default="auto",
                    help="permission mode: claude's own default (auto) or manual")
    args = ap.parse_args()

    home = os.path.abspath(args.home)
    # claude keys projects by the real path of its working directory.
    cwd = os.path.realpath(args.cwd)
    os.makedirs(os.path.join(home, ".claude"), exist_ok=True)

    config = {
        # Skips the welcome/theme/login onboarding flow (and its
        # connectivity check against api.anthropic.com).
        "hasCompletedOnboarding": True,
        "lastOnboardingVersion": CLAUDE_VERSION,
        # No "what's new" release notes for this version.
        "lastReleaseNotesSeen": CLAUDE_VERSION,
        "theme": "dark",
        "numStartups": 1,
        # The mascot's entrance animation shown once per new version.
        "lastClawdEntranceVersion": CLAUDE_VERSION,
        # The "Auto mode is now Claude Code's default permission mode" banner
        # and the "Make auto mode your default permission mode?" question
        # (asked when settings pin another mode, as below).
        "hasSeenAutoDefaultNotice": True,
        "hasSeenAutoDefaultNudge": True,
        # "Detected a custom API key ... use it?" -> already approved.
        # claude stores the key's last 20 characters (trimmed).
        "customApiKeyResponses": {
            "approved": [args.api_key.strip()[-20:]],
            "rejected": [],
        },
        "projects": {
            cwd: {
                # "Do you trust the files in this folder?" -> already yes.
                "hasTrustDialogAccepted": True,
                "hasCompletedProjectOnboarding": True,
                "projectOnboardingSeenCount": 1,
                "allowedTools": [],
            },
        },
    }
    with open(os.path.join(home, ".claude.json"), "w") as f:
        json.dump(config, f, indent=2)

    # ~/.claude/settings.json (merged into a test's own file if it exists).
    settings_path = os.path.join(home, ".claude", "settings.json")
    settings = {}
    if os.path.exists(settings_path):
        with open(settings_path) as f:
            settings = json.load(f)
    # Since 2.1.x "auto" is claude's out-of-the-box permission mode: each
    # un-allowed tool call is judged by a classifier model call. --mode manual
    # pins the classic "default" mode instead (shown as "manual mode on"),
    # where un-allowed tool calls ask "Do you want to proceed?". Without it
    # the user's default stands. Nothing is bypassed or pre-approved.
    if args.mode == "manual":
        settings.setdefault("permissions", {})["defaultMode"] = "default"
    # Applied by claude to itself at start-up (and inherited by hooks and
    # Bash commands): no update checks, telemetry, error reports, feature-flag
    # fetches, connection warm-up or plugin-marketplace git clone, i.e. no
    # network traffic except to ANTHROPIC_BASE_URL.
    env = settings.setdefault("env", {})
    for k in QUIET_ENV:
        env.setdefault(k, "1")
    with open(settings_path, "w") as f:
        json.dump(settings, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
