#!/usr/bin/env python3
"""A coding agent that is thinking, as its terminal sees it: the workload of benches/agents.py.

    python3 benches/thinking_agent.py [--fps 12.5] [--line-every 2.0]

Like claude (Ink) while it works, it keeps a 3-line block at the bottom of its output and
redraws it in place at --fps, each frame inside synchronized output (`CSI ? 2026 h/l`):
erase the block's lines (`CSI 2K`, `CSI 1A`), then write it again. Line 1 is a spinner
glyph and a verb, line 2 the elapsed-time and token counters, line 3 a status line that
changes only when a new output line arrives. Every --line-every seconds an ordinary line
of output goes above the block, so the pane also scrolls.

Lines are cut to the pane's width (read every frame: a multiplexer may resize the pane
while it lays out its others), so the block never wraps and the erase stays exact. The
text holds no uppercase letters but in the fixed words below, so agents.py can use the
others as unambiguous keystroke echoes. It runs until killed.
"""
import argparse
import os
import random
import sys
import time

SPINNER = "·✢✳✶✻✽✻✶✳✢"
VERBS = ["thinking", "pondering", "crafting", "brewing", "reticulating", "noodling"]
WORDS = ("the a to of and in for is on that with this it file function test error build "
         "module crate cargo value result config path line token agent render buffer pane").split()
TOOLS = ["read", "edit", "bash", "grep", "write", "glob"]


def width():
    try:
        return max(8, os.get_terminal_size(1).columns - 1)
    except OSError:
        return 79


def cut(styled, plain, cols):
    """The styled line if its text fits in `cols` columns, else the plain text cut to fit."""
    return styled if len(plain) <= cols else plain[:cols]


def output_line(rng, n, cols):
    tool = rng.choice(TOOLS)
    rest = f"(src/{rng.choice(WORDS)}.rs) " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))
    return cut(f"\x1b[1m● {tool}\x1b[0m{rest} #{n}", f"● {tool}{rest} #{n}", cols)


def block(elapsed, frame, tokens, status, cols):
    """The three lines of the thinking block, each cut to `cols` visible columns."""
    glyph = SPINNER[frame % len(SPINNER)]
    verb = VERBS[int(elapsed // 7) % len(VERBS)]
    lines = [
        (f"\x1b[38;5;174m{glyph} {verb}…\x1b[0m \x1b[2m(esc to interrupt)\x1b[0m",
         f"{glyph} {verb}… (esc to interrupt)"),
        (f"  \x1b[2m⎿  {elapsed:6.1f}s · ↓ {tokens / 1000:.1f}k tokens\x1b[0m",
         f"  ⎿  {elapsed:6.1f}s · ↓ {tokens / 1000:.1f}k tokens"),
        (f"  \x1b[38;5;246m⏵⏵ accept edits on · {status}% context left\x1b[0m",
         f"  ⏵⏵ accept edits on · {status}% context left"),
    ]
    return [cut(styled, plain, cols) for styled, plain in lines]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fps", type=float, default=12.5)
    parser.add_argument("--line-every", type=float, default=2.0)
    args = parser.parse_args()

    rng = random.Random(os.getpid())
    out = sys.stdout.buffer
    period = 1.0 / args.fps
    start = time.monotonic() + rng.random() * period  # panes do not tick in step
    next_line = start + rng.random() * args.line_every
    lines, tokens, status = 0, 0, 100
    out.write(b"\x1b[?25l\n\n")  # cursor hidden, as Ink does; two lines the first erase eats
    frame = 0
    while True:
        due = start + frame * period
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        now = time.monotonic()
        cols = width()
        parts = ["\x1b[?2026h", "\x1b[2K\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x1b[G"]
        if now >= next_line:
            lines += 1
            status = max(1, status - 1)
            parts.append(output_line(rng, lines, cols) + "\r\n")
            next_line += args.line_every
        tokens += rng.randint(5, 40)
        parts.append("\r\n".join(block(now - start, frame, tokens, status, cols)))
        parts.append("\x1b[?2026l")
        out.write("".join(parts).encode())
        out.flush()
        frame = max(frame + 1, int((time.monotonic() - start) / period))  # late: skip, never burst


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
