#!/usr/bin/env python3
"""Input latency and memory under output floods, measured from the outer terminal.

    python3 benches/stress.py latency [--system rallish|tmux] [--keys 200]
    python3 benches/stress.py memory  [--system rallish|tmux] [--gigabytes 1]

The multiplexer runs inside an outer PTY (200x50) that this script drains as fast as it
can, like a real terminal. No pyte: detection works on the raw byte stream.

latency: pane 1 runs `cat` (and holds the baton), pane 2 runs `yes` (a flood that never
stops). For each keystroke an uppercase letter is written to the outer PTY; its latency
is the time until that byte appears in what the multiplexer paints (cat's echo). `yes`
paints only 'y', and the app's chrome has no uppercase letters in the ones used, so the
byte is unambiguous. Reports p50/p99/max over --keys keystrokes.

memory: one pane pipes --gigabytes of text (80-column lines) through itself; the peak and
final RSS of the multiplexer (all its processes, VmRSS) are sampled every 0.25 s.
"""
import argparse, os, pty, select, signal, statistics, struct, fcntl, termios, time, tempfile, shutil, subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RALLISH = os.environ.get("RALLISH_TUI", os.path.join(ROOT, "target/release/rallish-tui"))
LETTERS = b"QXZJKVWGHM"


def spawn(argv, env_extra, cols=200, rows=50):
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", **env_extra)
        env.pop("TMUX", None)
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return pid, fd


def drain(fd, until, want=None):
    """Reads until `until` (a monotonic time); returns the time `want` was seen, if it was."""
    seen = None
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return seen
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            return seen
        now = time.monotonic()
        if want is not None and seen is None and want in data:
            seen = now
            return seen


def answer_queries(data, fd):
    # Like a terminal: CPR and DA1 (tmux asks at start-up).
    if b"\x1b[6n" in data:
        os.write(fd, b"\x1b[1;1R")
    if b"\x1b[c" in data or b"\x1b[0c" in data:
        os.write(fd, b"\x1b[?62;22c")


def start(system, pane_a, pane_b, tmp):
    if system == "rallish":
        argv = [RALLISH, "--pane", f"a={pane_a}"] + (["--pane", f"b={pane_b}"] if pane_b else [])
        env = {"RALLISH_STATE_DIR": os.path.join(tmp, "state"), "XDG_RUNTIME_DIR": tmp}
    else:
        sock = os.path.join(tmp, "tmux.sock")
        argv = ["tmux", "-f", "/dev/null", "-S", sock, "new-session", pane_a]
        if pane_b:
            argv += [";", "split-window", "-h", pane_b, ";", "select-pane", "-t", "0"]
        env = {}
    return spawn(argv, env)


def stop(system, pid, fd, tmp):
    if system == "tmux":
        subprocess.run(["tmux", "-S", os.path.join(tmp, "tmux.sock"), "kill-server"], capture_output=True)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        drain(fd, time.monotonic() + 0.05)
    os.close(fd)


def settle(fd, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                answer_queries(os.read(fd, 1 << 16), fd)
            except OSError:
                return


def latency(args):
    tmp = tempfile.mkdtemp(prefix="stress-")
    pid, fd = start(args.system, "cat", "yes", tmp)
    settle(fd, 1.5)  # start-up, and let the flood get going
    samples, missed = [], 0
    for i in range(args.keys):
        key = LETTERS[i % len(LETTERS):i % len(LETTERS) + 1]
        t0 = time.monotonic()
        os.write(fd, key)
        seen = drain(fd, t0 + 1.0, want=key)
        if seen is None:
            missed += 1
        else:
            samples.append((seen - t0) * 1000)
        settle(fd, 0.01 + (i % 5) * 0.004)
        if i % 90 == 89:
            os.write(fd, b"\x15")  # ctrl-u: keep cat's line short
            settle(fd, 0.05)
    stop(args.system, pid, fd, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    samples.sort()
    p = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    print(f"{args.system}: keystroke->echo under a `yes` flood, {len(samples)} keys ({missed} missed): "
          f"p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, max {samples[-1]:.2f} ms")


def rss_kb(root_pid):
    """VmRSS of root_pid and all its descendants that are the multiplexer binary."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            exe = os.readlink(f"/proc/{entry}/exe")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if int(entry) != root_pid and ppid != root_pid and "tmux" not in exe:
            continue
        if not (exe.endswith("rallish-tui") or "tmux" in exe):
            continue
        with open(f"/proc/{entry}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def memory(args):
    tmp = tempfile.mkdtemp(prefix="stress-")
    n = int(args.gigabytes * 1e9)
    # Completion is a file the pane's command creates, not text on screen: a diffing
    # renderer never paints a marker as one contiguous run of bytes.
    done_file = os.path.join(tmp, "flood.done")
    flood = f"yes '{'agent output line with some words in it ' * 2}' | head -c {n}; : > {done_file}; exec sleep 1000"
    pid, fd = start(args.system, flood, None, tmp)
    settle(fd, 1.0)
    start_rss = rss_kb(pid)
    samples, t0, done = [], time.monotonic(), False
    next_sample = t0
    while time.monotonic() - t0 < 600:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 1 << 16)
            except OSError:
                break
        if os.path.exists(done_file):
            done = True
            break
        if time.monotonic() >= next_sample:
            samples.append(rss_kb(pid))
            next_sample += 0.25
    elapsed = time.monotonic() - t0
    settle(fd, 1.0)
    final = rss_kb(pid)
    stop(args.system, pid, fd, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    quarter = samples[len(samples) // 4] if samples else 0
    print(f"{args.system}: {args.gigabytes} GB through one pane in {elapsed:.1f} s ({'done' if done else 'NOT done'}): "
          f"RSS start {start_rss/1024:.1f} MB, at 25% {quarter/1024:.1f} MB, peak {max(samples, default=0)/1024:.1f} MB, "
          f"end {final/1024:.1f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="test", required=True)
    lat = sub.add_parser("latency")
    lat.add_argument("--system", default="rallish", choices=["rallish", "tmux"])
    lat.add_argument("--keys", type=int, default=200)
    mem = sub.add_parser("memory")
    mem.add_argument("--system", default="rallish", choices=["rallish", "tmux"])
    mem.add_argument("--gigabytes", type=float, default=1.0)
    args = parser.parse_args()
    {"latency": latency, "memory": memory}[args.test](args)


if __name__ == "__main__":
    main()
