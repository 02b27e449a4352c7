#!/usr/bin/env python3
"""Many agents at once: rallish-tui against tmux with N panes of thinking agents (issue 18).

    python3 benches/agents.py run [--systems tmux,rallish] [--tests cpu,idle,latency]
                                  [--panes 1,4,16,32] [--seconds 15] [--reps 1] [--out FILE.json]
    python3 benches/agents.py report FILE.json

Each run starts the multiplexer inside an outer PTY (200x60) that this script plays the
terminal for: it reads everything the multiplexer draws as fast as it can, throws it away
(counting bytes) and answers the queries a terminal answers (DA1, DA2, CPR, colours).
Python 3.11 standard library only.

Tests
  cpu      N panes (--panes) each running benches/thinking_agent.py (3 lines redrawn in
           place at 12.5 fps inside synchronized output, a new line every 2 s). After
           --warmup s, the multiplexer's CPU over --seconds s, as % of one core, from
           the scheduler's runtime of every thread of its own processes (tmux: server +
           client; never the panes' programs; see cpu_seconds), and its RSS (sum of
           VmRSS) at the end.
  idle     RSS with 1 and with 16 panes running `sleep` (and its CPU over 5 s); the cost
           of an extra idle pane is the difference over 15.
  latency  Pane 1 runs `cat` and is focused (rallish-tui: it holds the baton); 16 more
           panes animate (thinking_agent.py) or flood (`yes`). --keys times: write one
           uppercase letter to the outer PTY, time until that byte comes back as text in
           what the multiplexer draws (cat's echo), then wait 10-30 ms. Letters the
           warm-up saw drawn are not used, so an echo is never mistaken; ctrl-u every 20
           keys keeps cat's line inside the pane. p50/p99/max in ms over the keys sent; a
           key not echoed within --key-timeout counts as slower than all (shown "> T"),
           and five such keys in a row end the run. Beside each run, the host's steal
           (/proc/stat) while its keys were sent: on a virtual machine, time the
           hypervisor gave to other guests, which delays any wake-up by its slice.

The multiplexer's processes are the ones whose environment carries this run's tag
(AGENTS_BENCH=<tag>) and whose executable is its binary. At the end of every run each
tagged process is killed (tmux: its private -L socket's server is killed first), so
nothing is left behind. rallish-tui is $RALLISH_TUI or target/release/rallish-tui, with
its config, state and runtime directories in a temporary directory; tmux runs with
-f /dev/null. Runs of the two systems alternate, so both see the same noise: the machine
is shared, so each result also records how busy the whole machine was (host busy %, of
all cores) during its window. Progress goes to stderr, markdown tables to stdout.
"""
import argparse
import errno
import fcntl
import json
import os
import platform
import random
import re
import select
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AGENT = os.path.join(ROOT, "benches", "thinking_agent.py")
RALLISH = os.path.abspath(os.environ.get("RALLISH_TUI", os.path.join(ROOT, "target/release/rallish-tui")))
CLK = os.sysconf("SC_CLK_TCK")
KEY_CANDIDATES = b"QXZJKVWGHMFPBDLRTUYCNES"

# Query -> reply, as an xterm-like terminal with 8x16 px cells would answer.
QUERIES = {
    b"\x1b[c": lambda o: b"\x1b[?62;22c",
    b"\x1b[0c": lambda o: b"\x1b[?62;22c",
    b"\x1b[>c": lambda o: b"\x1b[>41;380;0c",
    b"\x1b[>0c": lambda o: b"\x1b[>41;380;0c",
    b"\x1b[6n": lambda o: b"\x1b[1;1R",
    b"\x1b[?u": lambda o: b"\x1b[?0u",
    b"\x1b[18t": lambda o: b"\x1b[8;%d;%dt" % (o.rows, o.cols),
    b"\x1b[14t": lambda o: b"\x1b[4;%d;%dt" % (o.rows * 16, o.cols * 8),
    b"\x1b]10;?": lambda o: b"\x1b]10;rgb:cccc/cccc/cccc\x1b\\",
    b"\x1b]11;?": lambda o: b"\x1b]11;rgb:0000/0000/0000\x1b\\",
}


# A complete escape sequence: CSI, OSC/DCS/APC (to BEL or ST), charset designation, or ESC + one byte.
ESCAPE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|[()*+#%][ -~]|(?![\[\]P_^()*+#%])[ -~])")


def log(**fields):
    print(json.dumps(fields), file=sys.stderr, flush=True)


class Outer:
    """The outer terminal: a PTY whose master we drain, answering the multiplexer's queries."""

    def __init__(self, argv, env, cwd, cols, rows):
        self.cols, self.rows = cols, rows
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                                     start_new_session=True, close_fds=True,
                                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        os.set_blocking(self.master, False)
        self.nbytes = 0
        self.tail = b""
        self.scan = False   # look at the drawn text (escape sequences left out)? Costs CPU.
        self.pending = b""  # an escape sequence the last read cut in two
        self.seen = set()   # bytes of KEY_CANDIDATES drawn as text so far
        self.want = None    # a byte to look for in the drawn text, and when it was seen
        self.want_at = None

    def pump(self, timeout):
        """Wait up to `timeout` s for output, then read all there is."""
        if not select.select([self.master], [], [], max(0.0, timeout))[0]:
            return
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except BlockingIOError:
                return
            except OSError as e:
                if e.errno == errno.EIO:  # the multiplexer is gone
                    time.sleep(timeout)
                    return
                raise
            if not data:
                return
            self._handle(data, time.monotonic())

    def _handle(self, data, now):
        self.nbytes += len(data)
        buf = self.tail + data
        if b"\x1b" in buf:
            for query, reply in QUERIES.items():
                i = buf.find(query, max(0, len(self.tail) - len(query) + 1))
                while i != -1:
                    os.write(self.master, reply(self))
                    i = buf.find(query, i + 1)
        self.tail = buf[-16:]
        if self.scan:
            self._scan(data, now)

    def _scan(self, data, now):
        """Find KEY_CANDIDATES in the text drawn, not in the escape sequences around it."""
        buf, self.pending = self.pending + data, b""
        esc = buf.rfind(b"\x1b")
        if esc != -1 and not ESCAPE.match(buf, esc) and len(buf) - esc < 256:
            buf, self.pending = buf[:esc], buf[esc:]  # unfinished: judge it with the next read
        text = ESCAPE.sub(b"", buf)
        if self.want is not None and self.want_at is None and self.want in text:
            self.want_at = now
        self.seen.update(b for b in set(text) if b in KEY_CANDIDATES)

    def pump_for(self, seconds):
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self.pump(left)

    def write(self, data):
        os.write(self.master, data)


# --- the multiplexer's processes ------------------------------------------------------

def tagged(tag):
    """(pid, exe, cmdline) of every process whose environment carries AGENTS_BENCH=tag."""
    key = b"AGENTS_BENCH=" + tag.encode()
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if key not in f.read().split(b"\0"):
                    continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
            out.append((int(pid), os.path.realpath(f"/proc/{pid}/exe"), cmdline))
        except OSError:
            pass
    return out


SCHEDSTAT = os.path.exists("/proc/self/schedstat")


def cpu_seconds(pids):
    """CPU time of `pids`, all their threads, in seconds: the scheduler's own count in
    nanoseconds (/proc/PID/task/TID/schedstat) where the kernel keeps it. utime and stime
    in /proc/PID/stat are sampled at the clock tick, too coarse for a multiplexer that
    uses a few milliseconds a second. (A thread that ends inside the window is not
    counted; neither system's threads do.)"""
    total = 0.0
    for pid in pids:
        if not SCHEDSTAT:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / CLK  # utime + stime, all threads
            except (OSError, IndexError):
                pass
            continue
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0]) / 1e9
            except (OSError, IndexError, ValueError):
                pass  # the thread ended
    return total


def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total


def host_ticks():
    """(busy, total) jiffies of the whole machine."""
    values = host_jiffies()
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def host_jiffies():
    """The machine's jiffies by kind, as /proc/stat's first line has them."""
    with open("/proc/stat") as f:
        return [int(v) for v in f.readline().split()[1:]]


def steal_pct(before, after):
    """Of the time between two host_jiffies(), the share the hypervisor gave to others
    (steal): a virtual CPU that is not running delays whatever wakes on it, by the
    hypervisor's time slice, and that sets a floor under any latency's tail."""
    total = sum(after) - sum(before)
    return round(100 * (after[7] - before[7]) / total, 2) if total and len(after) > 7 else None


# --- starting and stopping a multiplexer ---------------------------------------------

class Mux:
    """One multiplexer with the given panes ([(name, command)]; the first is focused)."""

    def __init__(self, system, panes, args):
        self.system = system
        self.tag = f"{os.getpid()}-{random.randrange(1 << 30)}"
        self.tmp = tempfile.mkdtemp(prefix="agents-bench-")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.tmp, "TERM": "xterm-256color",
            "COLORTERM": "truecolor", "LANG": "C.UTF-8", "SHELL": "/bin/sh", "AGENTS_BENCH": self.tag,
            "USER": os.environ.get("USER", "bench"),
        }
        if system == "tmux":
            self.socket = "agents-" + self.tag
            argv = ["tmux", "-f", "/dev/null", "-L", self.socket, "new-session", "-s", "bench", panes[0][1]]
            for _, command in panes[1:]:
                argv += [";", "split-window", command, ";", "select-layout", "tiled"]
            argv += [";", "select-pane", "-t", "bench:0.0"]
            self.exe = os.path.realpath(shutil.which("tmux"))
        elif system == "rallish":
            for var, sub in (("RALLISH_CONFIG_DIR", "config"), ("RALLISH_STATE_DIR", "state"),
                             ("XDG_RUNTIME_DIR", "run")):
                env[var] = os.path.join(self.tmp, sub)
                os.makedirs(env[var], mode=0o700)
            argv = [RALLISH] + [a for name, command in panes for a in ("--pane", f"{name}={command}")]
            self.exe = os.path.realpath(RALLISH)
        else:
            sys.exit(f"unknown system {system!r} (tmux, rallish)")
        self.outer = Outer(argv, env, self.tmp, args.cols, args.rows)

    def pids(self):
        return [pid for pid, exe, _ in tagged(self.tag) if exe == self.exe]

    def count(self, needle):
        """How many tagged processes other than the multiplexer have `needle` in their command line."""
        return sum(needle.encode() in cmdline for _, exe, cmdline in tagged(self.tag) if exe != self.exe)

    def wait_for(self, needle, n, timeout=15.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.count(needle) < n:
            self.outer.pump_for(0.1)
        return self.count(needle)

    def _drain_until(self, done, timeout=2.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end and not done():
            self.outer.pump_for(0.02)

    def stop(self):
        if self.system == "tmux":
            subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
            tmux_dir = os.environ.get("TMUX_TMPDIR", "/tmp")
            try:  # tmux leaves its socket file behind
                os.unlink(os.path.join(tmux_dir, f"tmux-{os.getuid()}", self.socket))
            except OSError:
                pass
        else:
            try:
                os.kill(self.outer.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        self._drain_until(lambda: self.outer.proc.poll() is not None)
        for sig in (signal.SIGTERM, signal.SIGKILL):  # panes and anything else it left behind
            for pid, _, _ in tagged(self.tag):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            self._drain_until(lambda: not tagged(self.tag))
        self.outer.proc.wait()
        os.close(self.outer.master)
        shutil.rmtree(self.tmp, ignore_errors=True)


def agent_cmd():
    return f"exec {shlex.quote(sys.executable)} {shlex.quote(AGENT)}"


def measure(mux, seconds):
    """CPU % (of one core) and RSS of the multiplexer over `seconds`, with the host's load."""
    pids = mux.pids()
    cpu0, host0, bytes0, t0 = cpu_seconds(pids), host_ticks(), mux.outer.nbytes, time.monotonic()
    mux.outer.pump_for(seconds)
    cpu1, host1, t1 = cpu_seconds(pids), host_ticks(), time.monotonic()
    wall = t1 - t0
    return dict(cpu_pct=round(100 * (cpu1 - cpu0) / wall, 3), rss_mb=round(rss_kb(pids) / 1024, 2),
                procs=len(pids), out_kb_s=round((mux.outer.nbytes - bytes0) / wall / 1024, 1),
                host_busy_pct=round(100 * (host1[0] - host0[0]) / max(1, host1[1] - host0[1]), 1),
                seconds=round(wall, 2))


# --- tests ----------------------------------------------------------------------------

def test_cpu(system, n, args):
    mux = Mux(system, [(f"a{i + 1}", agent_cmd()) for i in range(n)], args)
    try:
        alive = mux.wait_for("thinking_agent.py", n)
        mux.outer.pump_for(args.warmup)
        return dict(measure(mux, args.seconds), panes=n, alive=alive)
    finally:
        mux.stop()


def test_idle(system, n, args):
    mux = Mux(system, [(f"s{i + 1}", "exec sleep 100000") for i in range(n)], args)
    try:
        alive = mux.wait_for("sleep", n)
        mux.outer.pump_for(args.warmup)
        return dict(measure(mux, 5.0), panes=n, alive=alive)
    finally:
        mux.stop()


def test_latency(system, background, args):
    others = args.others
    command = agent_cmd() if background == "animated" else "exec yes"
    needle = "thinking_agent.py" if background == "animated" else "yes"
    mux = Mux(system, [("cat", "exec cat")] + [(f"b{i + 1}", command) for i in range(others)], args)
    try:
        alive = mux.wait_for(needle, others)
        mux.outer.scan = True
        mux.outer.pump_for(args.warmup)
        keys = bytes(b for b in KEY_CANDIDATES if b not in mux.outer.seen)[:10]
        if not keys:
            return dict(background=background, error="every candidate letter was on screen")
        samples = []  # ms per key; None: no echo within --key-timeout
        jiffies = host_jiffies()
        for i in range(args.keys):
            if i and i % 20 == 0:
                mux.outer.write(b"\x15")  # ctrl-u: cat's line starts again, blank
                mux.outer.pump_for(0.05)
            key = keys[i % len(keys):i % len(keys) + 1]
            mux.outer.want, mux.outer.want_at = key, None
            t0 = time.monotonic()
            mux.outer.write(key)
            while mux.outer.want_at is None and time.monotonic() - t0 < args.key_timeout:
                mux.outer.pump(0.05)
            samples.append(None if mux.outer.want_at is None else round((mux.outer.want_at - t0) * 1000, 3))
            mux.outer.want = None
            if samples[-5:] == [None] * 5:
                break  # five echoes in a row never came: more keys would only queue up
            mux.outer.pump_for(random.uniform(0.010, 0.030))
        return dict(background=background, others=others, alive=alive, letters=keys.decode(), samples=samples,
                    steal_pct=steal_pct(jiffies, host_jiffies()), **latency_stats(samples, args.key_timeout))
    finally:
        mux.stop()


def latency_stats(samples, timeout):
    """p50/p99/max in ms over the keys sent; a key never echoed counts as slower than any."""
    ranked = sorted(samples, key=lambda ms: float("inf") if ms is None else ms)
    pct = lambda q: ranked[min(len(ranked) - 1, int(q * len(ranked)))] if ranked else None
    return dict(keys=len(samples), missed=samples.count(None), p50_ms=pct(0.50), p99_ms=pct(0.99),
                max_ms=ranked[-1] if ranked else None, timeout_ms=timeout * 1000)


def machine():
    tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    try:
        rallish = subprocess.run([RALLISH, "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        rallish = None
    git = lambda *a: subprocess.run(["git", "-C", ROOT, *a], capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD")
    src_commit = git("log", "-1", "--format=%h", "--", "src", "Cargo.toml", "Cargo.lock")  # what the build holds
    return dict(date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), nproc=os.cpu_count(),
                kernel=platform.release(), tmux=tmux, rallish=rallish, rallish_bin=RALLISH, commit=commit, src_commit=src_commit,
                loadavg=open("/proc/loadavg").read().split()[:3])


def cmd_run(args):
    systems = args.systems.split(",")
    tests = args.tests.split(",")
    results = dict(machine=machine(), args=vars(args), cpu=[], idle=[], latency=[])
    log(**results["machine"])
    for rep in range(args.reps):
        order = systems if rep % 2 == 0 else systems[::-1]  # alternate who goes first
        if "cpu" in tests:
            for n in args.panes:
                for system in order:
                    r = dict(system=system, rep=rep, **test_cpu(system, n, args))
                    results["cpu"].append(r)
                    log(test="cpu", **r)
        if "idle" in tests:
            for n in (1, 16):
                for system in order:
                    r = dict(system=system, rep=rep, **test_idle(system, n, args))
                    results["idle"].append(r)
                    log(test="idle", **r)
        if "latency" in tests:
            for background in ("animated", "flood"):
                for system in order:
                    r = dict(system=system, rep=rep, **test_latency(system, background, args))
                    results["latency"].append(r)
                    log(test="latency", **r)
    results["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)
    report(results)


# --- report ---------------------------------------------------------------------------

def median(rows, key):
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def fmt(value, spec=".2f", suffix=""):
    return "-" if value is None else f"{value:{spec}}{suffix}"


def report(results):
    m = results["machine"]
    print(f"{m['date']}; {m['nproc']} cores, Linux {m['kernel']}; {m['tmux']}; {m['rallish']} "
          f"(src {m.get('src_commit', m['commit'])}); load average at start {' '.join(m['loadavg'])}")
    reps = results["args"]["reps"]
    if results["cpu"]:
        print(f"\nCPU of the multiplexer (% of one core, median of {reps}) and RSS, N thinking panes, "
              f"{results['args']['cols']}x{results['args']['rows']}, {results['args']['seconds']} s windows\n")
        print("| panes | tmux CPU % | rallish CPU % | ratio | tmux RSS MB | rallish RSS MB "
              "| KB/s drawn (tmux / rallish) | host busy % (tmux / rallish) |")
        print("|---|---|---|---|---|---|---|---|")
        for n in sorted({r["panes"] for r in results["cpu"]}):
            t = [r for r in results["cpu"] if r["panes"] == n and r["system"] == "tmux"]
            ra = [r for r in results["cpu"] if r["panes"] == n and r["system"] == "rallish"]
            tc, rc = median(t, "cpu_pct"), median(ra, "cpu_pct")
            # rallish-tui's CPU over tmux's.
            ratio = f"{rc / tc:.2f}x" if tc and rc is not None else "-"
            print(f"| {n} | {fmt(tc)} | {fmt(rc)} | {ratio} | {fmt(median(t, 'rss_mb'), '.1f')} | "
                  f"{fmt(median(ra, 'rss_mb'), '.1f')} | {fmt(median(t, 'out_kb_s'), '.1f')} / "
                  f"{fmt(median(ra, 'out_kb_s'), '.1f')} | {fmt(median(t, 'host_busy_pct'), '.0f')} / "
                  f"{fmt(median(ra, 'host_busy_pct'), '.0f')} |")
        short = [r for r in results["cpu"] if r["alive"] < r["panes"]]
        for r in short:
            print(f"\nwarning: {r['system']} N={r['panes']} rep {r['rep']}: only {r['alive']} agents running")
    if results["idle"]:
        print("\nRSS with idle `sleep` panes (MB, median), and CPU % over 5 s\n")
        print("| system | 1 pane | 16 panes | per extra pane | CPU % at 16 |")
        print("|---|---|---|---|---|")
        for system in dict.fromkeys(r["system"] for r in results["idle"]):
            one = median([r for r in results["idle"] if r["system"] == system and r["panes"] == 1], "rss_mb")
            many = [r for r in results["idle"] if r["system"] == system and r["panes"] == 16]
            per = (median(many, "rss_mb") - one) / 15 if one is not None and many else None
            print(f"| {system} | {fmt(one, '.1f')} | {fmt(median(many, 'rss_mb'), '.1f')} | "
                  f"{fmt(per, '.2f')} | {fmt(median(many, 'cpu_pct'))} |")
    if results["latency"]:
        print(f"\nKeystroke -> echo in a focused `cat` pane, {results['args']['others']} other panes, "
              f"{results['args']['keys']} keys (ms; one line per run)\n")
        print("| other panes | system | p50 | p99 | max | keys echoed | host steal % |")
        print("|---|---|---|---|---|---|---|")
        late = lambda ms, r: f"> {r['timeout_ms']:.0f}" if ms is None else f"{ms:.2f}"
        for r in sorted(results["latency"], key=lambda r: (r["background"], r["system"], r["rep"])):
            if "error" in r:
                print(f"| {r['background']} | {r['system']} | {r['error']} | | | | |")
                continue
            print(f"| {r['others']} {r['background']} | {r['system']} | {late(r['p50_ms'], r)} | "
                  f"{late(r['p99_ms'], r)} | {late(r['max_ms'], r)} | {r['keys'] - r['missed']} of {r['keys']} | "
                  f"{fmt(r.get('steal_pct'))} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="measure, print the tables")
    run.add_argument("--systems", default="tmux,rallish")
    run.add_argument("--tests", default="cpu,idle,latency")
    run.add_argument("--panes", default=[1, 4, 16, 32], type=lambda s: [int(n) for n in s.split(",")])
    run.add_argument("--seconds", type=float, default=15.0, help="CPU window per run")
    run.add_argument("--warmup", type=float, default=3.0, help="seconds after the panes started")
    run.add_argument("--keys", type=int, default=200)
    run.add_argument("--key-timeout", type=float, default=2.0, help="seconds to wait for one echo")
    run.add_argument("--others", type=int, default=16, help="panes beside cat in the latency test")
    run.add_argument("--reps", type=int, default=1)
    run.add_argument("--cols", type=int, default=200)
    run.add_argument("--rows", type=int, default=60)
    run.add_argument("--out", help="write the results as JSON")
    rep = sub.add_parser("report", help="print the tables of a --out file again")
    rep.add_argument("file")
    args = parser.parse_args()
    if args.command == "report":
        with open(args.file) as f:
            report(json.load(f))
    else:
        cmd_run(args)


if __name__ == "__main__":
    main()
