#!/usr/bin/env python3
"""codex-mcp benchmark harness (Python 3, standard library only). See bench/README.md.

Every measurement is repeated for ``--rounds`` rounds; inside a round the candidates and their
baselines run interleaved (the order rotates from round to round), and the report shows medians.
The run fails (exit status 1) if any line on a server's stdout is not a JSON-RPC message.
"""

import argparse
import datetime
import json
import os
import platform
import random
import selectors
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
sys.path.insert(0, BENCH_DIR)
from mock_model import MockModel, config_toml  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
DEFAULT_CLI = os.path.expanduser("~/.cache/codex-mcp/codex-cli-0.169.0")
NATIVE_REL = "node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"
LAUNCHER_REL = "node_modules/@openai/codex/bin/codex.js"

# JVM options of the launch lines (the harness appends "-jar <jar>"); {jsa} is the archive next
# to the jar. "-Xlog:disable -Xlog:all=warning:stderr" keeps JVM warnings (such as an unusable
# archive) off stdout, which carries the protocol.
CDS = "-XX:SharedArchiveFile={jsa} -Xlog:disable -Xlog:all=warning:stderr"
# The launch line recommended in bench/README.md.
RECOMMENDED = CDS + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmn8m -Xms32m"

# Option sets of the compare phase (besides plain and recommended) and of --explore-flags.
EXPLORE = [
    ("cds", CDS),
    ("cds C1", CDS + " -XX:TieredStopAtLevel=1"),
    ("cds SerialGC", CDS + " -XX:+UseSerialGC"),
    ("cds C1 SerialGC Xss512k", CDS + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k"),
    ("C1 SerialGC Xss512k Xmn16m, no cds", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Xmn16m"),
    ("recommended, Xmn16m", RECOMMENDED.replace("-Xmn8m", "-Xmn16m")),
    ("recommended + Xmx64m", RECOMMENDED + " -Xmx64m"),
    ("recommended + MaxRAM=256m", RECOMMENDED + " -XX:MaxRAM=256m"),
    ("recommended + CICompilerCount=1", RECOMMENDED + " -XX:CICompilerCount=1"),
]

VIOLATIONS = []  # (label, offending stdout line)


# ---------------------------------------------------------------------------- /proc helpers

def proc_status(pid):
    """VmRSS / VmHWM of ``pid`` in KiB (missing process: zeros)."""
    out = {"VmRSS": 0, "VmHWM": 0}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key = line.split(":", 1)[0]
                if key in out:
                    out[key] = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


def rss_kb(pid):
    return proc_status(pid)["VmRSS"]


def cpu_seconds(pid):
    """utime + stime of ``pid`` (all its threads) in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


class ThreadCpu:
    """CPU time of a process to the nanosecond: the sum over its threads of their scheduler run
    time (``/proc/PID/task/TID/schedstat``), each thread's latest reading kept, so a thread that
    ends between two readings loses only what it ran since the last one. ``cpu_seconds`` counts
    clock ticks (10 ms), too coarse for a figure of about a tenth of a second; call ``update`` as
    often as the work allows (the delta turn does at every poll)."""

    def __init__(self, pid):
        self.pid = pid
        self.start = self._read()
        self.seen = dict(self.start)

    def _read(self):
        runs = {}
        base = "/proc/%d/task" % self.pid
        try:
            tids = os.listdir(base)
        except OSError:
            return runs
        for tid in tids:
            try:
                with open("%s/%s/schedstat" % (base, tid)) as f:
                    runs[tid] = int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
        return runs

    def update(self):
        for tid, ns in self._read().items():
            if ns > self.seen.get(tid, 0):
                self.seen[tid] = ns

    def seconds(self):
        self.update()
        return sum(ns - self.start.get(tid, 0) for tid, ns in self.seen.items()) / 1e9


def descendants(pid):
    """All live descendants of ``pid``."""
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(name))
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def tree_rss_kb(pids):
    return sum(rss_kb(p) for p in pids)


def processes_with_env(entry, spare_launcher_work=False):
    """Live processes whose environment holds ``entry`` (``NAME=value``), this one excepted; with
    ``spare_launcher_work``, not the launcher's class-data training run in the background (it
    outlives the server on purpose: the shell that runs it, its ``sleep`` and the JVM)."""
    want = entry.encode()
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as f:
                if want not in f.read().split(b"\0"):
                    continue
        except OSError:
            continue
        if spare_launcher_work and (launcher_work(int(name)) or launcher_work(parent(int(name)))):
            continue
        out.append(int(name))
    return out


def codex_process(pid):
    """A Codex CLI process (app-server), also when started through setsid or node."""
    argv = cmdline(pid)
    return b"app-server" in argv or any(a.endswith(b"/codex") or a.endswith(b"codex.js") for a in argv[:2])


def codex_descendant(pid):
    """A process Codex started (such as the ``git ls-remote`` of its plugin list): Codex's, not
    the server's."""
    seen = set()
    p = parent(pid)
    while p and p > 1 and p not in seen:
        if codex_process(p):
            return True
        seen.add(p)
        p = parent(p)
    return False


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


def parent(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def launcher_work(pid):
    """The launcher's background training run: the JVM (``--cds-training``) or the shell running
    the launcher script that started it."""
    argv = cmdline(pid)
    return b"--cds-training" in argv or any(a.endswith(b"/bin/codex-mcp") for a in argv[1:2])


def end_processes(pids, grace=3.0):
    """SIGTERM, then SIGKILL after ``grace`` seconds for those still alive; returns how many."""
    alive = [p for p in pids if pause(p, signal.SIGTERM)]
    deadline = time.time() + grace
    while alive and time.time() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if os.path.exists("/proc/%d" % p) and not zombie(p)]
    for p in alive:
        pause(p, signal.SIGKILL)
    return len(pids)


def zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


class Sampler(threading.Thread):
    """Samples the RSS of a process and of all its descendants every ``period`` seconds."""

    def __init__(self, pid, period=0.02):
        super().__init__(daemon=True)
        self.pid, self.period = pid, period
        self.peak_self = self.peak_children = self.peak_total = 0
        self.children_hwm = {}
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.period)

    def sample(self):
        me = rss_kb(self.pid)
        kids = descendants(self.pid)
        child_sum = 0
        for k in kids:
            st = proc_status(k)
            child_sum += st["VmRSS"]
            self.children_hwm[k] = max(self.children_hwm.get(k, 0), st["VmHWM"])
        self.peak_self = max(self.peak_self, me)
        self.peak_children = max(self.peak_children, child_sum)
        self.peak_total = max(self.peak_total, me + child_sum)

    def stop(self):
        self._halt.set()
        self.join()
        self.sample()


# ---------------------------------------------------------------------------- MCP client

class McpClient:
    """Raw MCP over stdio JSON lines; single-threaded, requests may be pipelined."""

    # No answer for this long ends the server (and the wait, with an error naming it): a harness
    # that waits on a silent server for ever measures nothing.
    ANSWER_TIMEOUT_S = 300

    def __init__(self, argv, env, cwd, label, log_dir):
        self.label = label
        self.stderr = open(os.path.join(log_dir, "%s.stderr" % label.replace(" ", "_")), "ab")
        # what the server's processes carry in their environment: found again at close
        self.marker = "CODEX_MCP_STATE_DIR=" + env.get("CODEX_MCP_STATE_DIR", "")
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, env=env, cwd=cwd)
        self.pid = self.proc.pid
        self._next = 1
        self._done = {}
        self.ended = None  # how close() ended the server: "eof", "sigterm" or "killed"
        self._deadline = None  # set while waiting for an answer
        self._timed_out = False
        threading.Thread(target=self._watchdog, daemon=True).start()

    def _watchdog(self):
        while self.proc.poll() is None:
            time.sleep(1)
            d = self._deadline
            if d is not None and time.monotonic() > d:
                self._timed_out = True
                self.proc.kill()

    def send(self, obj):
        self.proc.stdin.write((json.dumps(obj, separators=(",", ":")) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method, params=None):
        rid = self._next
        self._next += 1
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return rid

    def notify(self, method):
        self.send({"jsonrpc": "2.0", "method": method})

    def _read_one(self):
        line = self.proc.stdout.readline()
        t = time.perf_counter()
        if not line:
            if self._timed_out:
                raise TimeoutError("%s: no answer within %d s; server killed" % (self.label, self.ANSWER_TIMEOUT_S))
            raise EOFError("%s: server closed stdout (exit %s)" % (self.label, self.proc.poll()))
        if not check_line(self.label, line):
            return
        msg = json.loads(line)
        if "id" in msg and ("result" in msg or "error" in msg):
            self._done[msg["id"]] = (msg, t)
        elif "id" in msg and "method" in msg:  # a server request: decline it
            self.send({"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32601, "message": "unsupported"}})

    def wait(self, rid):
        self._deadline = time.monotonic() + self.ANSWER_TIMEOUT_S
        try:
            while rid not in self._done:
                self._read_one()
        finally:
            self._deadline = None
        return self._done.pop(rid)

    def call(self, method, params=None):
        msg, t = self.wait(self.request(method, params))
        if "error" in msg:
            raise RuntimeError("%s: %s failed: %s" % (self.label, method, msg["error"]))
        return msg["result"], t

    def initialize(self):
        result, t = self.call("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                             "clientInfo": {"name": "codex-mcp-bench", "version": "1"}})
        self.notify("notifications/initialized")
        return t

    def handshake(self):
        """What clients send first: server/discover (-32601 expected), initialize, tools/list.

        Returns the times at which the three answers were read."""
        msg, t_discover = self.wait(self.request("server/discover", {}))
        if msg.get("error", {}).get("code") != -32601:
            raise RuntimeError("%s: server/discover answered %s, expected -32601" % (self.label, msg))
        t_init = self.initialize()
        _, t_list = self.call("tools/list")
        return t_discover, t_init, t_list

    def tool(self, name, args):
        return structured(self.call("tools/call", {"name": name, "arguments": args})[0], name)

    def close(self, timeout=10):
        """Ends the server as clients do: stdin closed, then (still running after ``timeout``
        seconds) SIGTERM, then SIGKILL. A server need not exit on EOF: the TypeScript original
        stays up while its sessions' app-servers live, and only a signal ends it. Whatever the
        server left running (detached app-servers, a keeper, its children) is ended afterwards,
        so that nothing of it weighs on the next measurement. Sets ``ended``."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        drain = threading.Thread(target=self._drain, daemon=True)
        drain.start()
        self.ended = "eof"
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.ended = "sigterm"
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.ended = "killed"
                self.proc.kill()
                self.proc.wait()
        drain.join(2)
        self.stderr.close()
        end_processes(processes_with_env(self.marker, spare_launcher_work=True))
        return self.ended

    def _drain(self):
        try:
            for line in self.proc.stdout:  # everything left must be JSON too
                check_line(self.label, line)
        except (OSError, ValueError):
            pass


def check_line(label, line):
    try:
        msg = json.loads(line)
        ok = isinstance(msg, dict) and msg.get("jsonrpc") == "2.0"
    except ValueError:
        ok = False
    if not ok:
        VIOLATIONS.append((label, line[:200].decode("utf-8", "replace")))
    return ok


def structured(result, name):
    sc = result.get("structuredContent")
    if result.get("isError") or sc is None:
        raise RuntimeError("%s failed: %s" % (name, json.dumps(result)[:500]))
    return sc


# ---------------------------------------------------------------------------- codex app-server driven directly

class DirectTurn:
    """One ``codex app-server``: initialize, thread/start, turn/start, wait for turn/completed."""

    def __init__(self, argv, env, cwd, prompt, log):
        self.prompt, self.cwd = prompt, cwd
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=log, env=env, cwd=cwd)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buf = b""
        self.t_done = None
        self.deltas = 0
        self.status = None
        self._send({"id": 1, "method": "initialize",
                    "params": {"clientInfo": {"name": "codex-mcp-bench", "version": "1"},
                               "capabilities": {"experimentalApi": True}}})

    def _send(self, obj):
        self.proc.stdin.write((json.dumps(obj, separators=(",", ":")) + "\n").encode())
        self.proc.stdin.flush()

    def feed(self, data):
        self.buf += data
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            if line.strip():
                self.handle(json.loads(line))

    def handle(self, msg):
        mid, method = msg.get("id"), msg.get("method")
        if method is None and mid == 1:
            self._send({"method": "initialized"})
            self._send({"id": 2, "method": "thread/start",
                        "params": {"cwd": self.cwd, "approvalPolicy": "never", "sandbox": "read-only"}})
        elif method is None and mid == 2:
            thread = msg["result"]["thread"]["id"]
            self._send({"id": 3, "method": "turn/start",
                        "params": {"threadId": thread, "input": [{"type": "text", "text": self.prompt}],
                                   "effort": "low"}})
        elif method is None and "error" in msg:
            raise RuntimeError("app-server error: %s" % msg["error"])
        elif method == "item/agentMessage/delta":
            self.deltas += 1
        elif method == "turn/completed":
            self.t_done = time.perf_counter()
            self.status = msg["params"]["turn"]["status"]
        elif mid is not None and method is not None:
            self._send({"id": mid, "error": {"code": -32601, "message": "unsupported"}})

    @property
    def seconds(self):
        return self.t_done - self.t0

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_direct(turns, timeout=120, on_done=None):
    """Drives ``turns`` concurrently until each has seen turn/completed."""
    sel = selectors.DefaultSelector()
    for t in turns:
        sel.register(t.proc.stdout, selectors.EVENT_READ, t)
    deadline = time.time() + timeout
    while any(t.t_done is None for t in turns):
        if time.time() > deadline:
            raise RuntimeError("direct app-server turns timed out")
        for key, _ in sel.select(0.5):
            t = key.data
            data = os.read(key.fd, 1 << 16)
            if not data:
                sel.unregister(key.fileobj)
                if t.t_done is None:
                    raise RuntimeError("app-server exited before turn/completed")
                continue
            t.feed(data)
    sel.close()
    if on_done:
        on_done()


# ---------------------------------------------------------------------------- environment

class Env:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="codex-mcp-bench-")
        self.logs = os.path.join(self.tmp, "logs")
        os.makedirs(self.logs)
        self.work = os.path.join(self.tmp, "work")
        os.makedirs(self.work)
        self.model = MockModel()
        self.model.start()
        self.home = os.path.join(self.tmp, "home")
        codex_home = os.path.join(self.home, ".codex")
        os.makedirs(codex_home)
        with open(os.path.join(codex_home, "config.toml"), "w") as f:
            f.write(config_toml(self.model.base_url, self.work))
        self.native = os.path.join(args.cli, NATIVE_REL)
        self.launcher = os.path.join(self.tmp, "codex-via-npm-launcher")
        with open(self.launcher, "w") as f:  # a wrapper the server cannot see through
            f.write("#!/bin/sh\nexec node %s \"$@\"\n" % shlex.quote(os.path.join(args.cli, LAUNCHER_REL)))
        os.chmod(self.launcher, 0o755)
        self.base_env = dict(os.environ)
        for k in list(self.base_env):
            if k.startswith("CODEX_") or k in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"):
                del self.base_env[k]
        self.base_env.update({"HOME": self.home, "CODEX_HOME": codex_home, "OPENAI_API_KEY": "dummy",
                              "NO_COLOR": "1"})
        self.oneline_dir = os.path.join(self.tmp, "oneline")
        subprocess.check_call([args.javac, "-d", self.oneline_dir, os.path.join(BENCH_DIR, "OneLine.java")])
        self._state = 0
        self._extra_env = {}
        self.first_start = set()
        self._cache_dirs = {}
        self._first = 0

    def launcher_line(self, name, java_home, first_start=False):
        """The launcher folder's bin/codex-mcp with this JDK and a cache of its own.

        Without first_start the cache is warmed (the class-data archive made) before measuring;
        with it every start gets an empty cache (a user's very first start)."""
        argv = [os.path.join(self.args.dist, "bin", "codex-mcp")]
        cache = os.path.join(self.tmp, "cache-" + name.replace(" ", "_"))
        self._extra_env[name] = {"JAVA_HOME": java_home, "CODEX_MCP_CACHE_DIR": cache}
        self._cache_dirs[name] = cache
        if first_start:
            self.first_start.add(name)
        else:
            c = McpClient(argv, self.config_env(name), self.work, "warm-up " + name, self.logs)
            c.handshake()
            c.close()
            self.wait_for_archive(name)
        return argv

    def config_env(self, name):
        env = self.server_env()
        if name in self.first_start:  # a fresh, empty cache for every start
            self._first += 1
            self._cache_dirs[name] = os.path.join(self.tmp, "cache-first-%d" % self._first)
            env.update(self._extra_env[name])
            env["CODEX_MCP_CACHE_DIR"] = self._cache_dirs[name]
        else:
            env.update(self._extra_env.get(name, {}))
        return env

    def wait_for_archive(self, name, timeout=120):
        """Until the launcher's class-data archive exists and no training run holds its lock."""
        cds = os.path.join(self._cache_dirs[name], "cds")
        deadline = time.time() + timeout
        while time.time() < deadline:
            names = [n for _, dirs, files in os.walk(cds) for n in dirs + files]
            if any(n.endswith(".jsa") for n in names) and not any(n.endswith(".lock") for n in names):
                return
            time.sleep(0.2)
        print("warning: no class-data archive in %s after %d s" % (cds, timeout), file=sys.stderr)

    def server_env(self, codex=None):
        self._state += 1
        env = dict(self.base_env)
        env["CODEX_MCP_PATH"] = codex or self.native
        env["CODEX_MCP_STATE_DIR"] = os.path.join(self.tmp, "state-%d" % self._state)
        return env

    def java_line(self, opts):
        """java, the options, then -jar and the jar (unless the options name a jar themselves)."""
        jsa = os.path.splitext(self.args.jar)[0] + ".jsa"
        argv = [self.args.java] + shlex.split(opts.format(jsa=jsa))
        return argv if "-jar" in argv else argv + ["-jar", self.args.jar]

    def oneline(self, *extra):
        return [self.args.java, "-cp", self.oneline_dir, "OneLine"] + list(extra)

    def direct_argv(self, codex=None):
        return [codex or self.native, "app-server", "-c", "approval_policy=never", "-c", "sandbox_mode=read-only"]

    def direct(self, prompt):
        log = open(os.path.join(self.logs, "direct.stderr"), "ab")
        return DirectTurn(self.direct_argv(), self.base_env, self.work, prompt, log)

    def close(self):
        self.model.stop()
        # anything this run started that is still alive (all of it has this HOME)
        end_processes(processes_with_env("HOME=" + self.home))
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


def codex_args(env, prompt, wait=None):
    a = {"prompt": prompt, "approvalPolicy": "never", "sandbox": "read-only", "cwd": env.work}
    if wait:
        a["advanced"] = {"waitForResult": wait}
    return a


# ---------------------------------------------------------------------------- phases

class Results:
    def __init__(self):
        self.samples = {}

    def add(self, key, value):
        self.samples.setdefault(key, []).append(value)

    def med(self, key):
        v = self.samples.get(key)
        return statistics.median(v) if v else None


HANDSHAKE = [b'{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}\n',
             b'{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
             b'"capabilities":{},"clientInfo":{"name":"codex-mcp-bench","version":"1"}}}\n',
             b'{"jsonrpc":"2.0","id":3,"method":"tools/list"}\n']


def phase_cold(env, res, rounds, configs):
    for r in range(rounds):
        order = configs[r % len(configs):] + configs[:r % len(configs)]
        for name, argv in order:
            if argv is None:  # the one-line JVM, echoing the three handshake lines
                t0 = time.perf_counter()
                p = subprocess.Popen(env.oneline("echo"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
                times = []
                for line in HANDSHAKE:
                    p.stdin.write(line)
                    p.stdin.flush()
                    p.stdout.readline()
                    times.append((time.perf_counter() - t0) * 1000)
                res.add(("cold", name, "discover_ms"), times[0])
                res.add(("cold", name, "init_ms"), times[1])
                res.add(("cold", name, "list_ms"), times[2])
                res.add(("cold", name, "rss_list"), rss_kb(p.pid))
                time.sleep(env.args.settle)
                res.add(("cold", name, "rss_settled"), rss_kb(p.pid))
                p.stdin.close()
                p.wait()
                continue
            first = name in env.first_start
            c = McpClient(argv, env.config_env(name), env.work, "cold " + name, env.logs)
            t_discover, t_init, t_list = c.handshake()
            res.add(("cold", name, "rss_list"), rss_kb(c.pid))
            res.add(("cold", name, "discover_ms"), (t_discover - c.t_spawn) * 1000)
            res.add(("cold", name, "init_ms"), (t_init - c.t_spawn) * 1000)
            res.add(("cold", name, "list_ms"), (t_list - c.t_spawn) * 1000)
            time.sleep(env.args.settle)
            st = proc_status(c.pid)
            res.add(("cold", name, "rss_settled"), st["VmRSS"])
            res.add(("cold", name, "hwm_settled"), st["VmHWM"])
            res.add(("cold", name, "children_settled"), tree_rss_kb(descendants(c.pid)))
            t_close = time.perf_counter()
            if c.close() == "eof":
                res.add(("cold", name, "exit_ms"), (time.perf_counter() - t_close) * 1000)
            else:
                res.add(("cold", name, "exit_signal"), 1)
            if first:  # let the archive be made before the next measurement (it takes the CPU)
                env.wait_for_archive(name)


def until_idle(c, sc, timeout=300):
    """``sc`` (a ``codex`` answer) once its session has finished: as it is when the server
    honoured ``waitForResult``, else polled every 100 ms (the TypeScript original has no
    ``waitForResult`` and answers ``running`` at once)."""
    deadline = time.monotonic() + timeout
    while sc.get("status") in ("running", "waiting_approval"):
        if time.monotonic() > deadline:
            raise RuntimeError("%s: session %s still %s after %d s" % (c.label, sc.get("sessionId"), sc.get("status"), timeout))
        time.sleep(0.1)
        r = c.tool("codex_check", {"action": "poll", "sessionId": sc["sessionId"], "maxEvents": 1000})
        sc = dict(sc, status=r.get("status"))
    return sc


def mcp_plain_turn(c, env):
    t0 = time.perf_counter()
    sc = until_idle(c, c.tool("codex", codex_args(env, "Say done.", wait=120000)))
    t = time.perf_counter() - t0
    if sc.get("status") != "idle":
        raise RuntimeError("plain turn ended %s: %s" % (sc.get("status"), json.dumps(sc)[:400]))
    return t


def mcp_delta_turn(c, env, n, poll_s):
    """Starts a BENCH_DELTAS turn and polls it every ``poll_s``; returns (seconds, cpu, received, lost)."""
    cpu = ThreadCpu(c.pid)
    t0 = time.perf_counter()
    sid = c.tool("codex", codex_args(env, "BENCH_DELTAS %d" % n))["sessionId"]
    cursor, seen, deltas, lost, t_done = None, set(), 0, 0, None
    deadline = time.monotonic() + 300
    while True:
        if time.monotonic() > deadline:
            raise RuntimeError("%s: delta turn not finished after 300 s (%d deltas seen)" % (c.label, deltas))
        time.sleep(poll_s)
        args = {"action": "poll", "sessionId": sid, "maxEvents": 10000, "responseMode": "minimal"}
        if cursor is not None:
            args["cursor"] = cursor
        r = c.tool("codex_check", args)
        cpu.update()
        if "cursorResetTo" in r and cursor is not None:
            lost += r["cursorResetTo"] - cursor
        for e in r.get("events", []):
            if e["id"] not in seen:
                seen.add(e["id"])
                if (e.get("data") or {}).get("method") == "item/agentMessage/delta":
                    deltas += 1
        cursor = r["nextCursor"]
        if t_done is None and r.get("status") in ("idle", "error", "cancelled") and r.get("result"):
            t_done = time.perf_counter()
            if r["status"] != "idle":
                raise RuntimeError("delta turn ended %s" % r["status"])
        if t_done is not None and not r.get("events"):
            break
    gaps = (max(seen) + 1 - len(seen)) if seen else 0
    return t_done - t0, cpu.seconds(), deltas, max(lost, gaps, n - deltas)


def turns_on_server(env, res, line, r, prefix=()):
    """One fresh server: a first plain turn, --turns plain turns beside direct ones, then the
    delta turns. Samples are stored under ``prefix + key``."""
    n = env.args.deltas

    def add(key, value):
        res.add(prefix + key, value)

    c = McpClient(line, env.server_env(), env.work, "turns", env.logs)
    c.initialize()
    add(("turn", "mcp_first"), mcp_plain_turn(c, env) * 1000)  # warm-up, reported apart
    for k in range(env.args.turns):
        mcp_first = (r + k) % 2 == 0
        pair = {}
        for which in ("mcp", "direct") if mcp_first else ("direct", "mcp"):
            if which == "mcp":
                pair["mcp"] = mcp_plain_turn(c, env) * 1000
            else:
                d = env.direct("Say done.")
                run_direct([d])
                pair["direct"] = d.seconds * 1000
                d.close()
        add(("turn", "mcp"), pair["mcp"])
        add(("turn", "direct"), pair["direct"])
        add(("turn", "diff"), pair["mcp"] - pair["direct"])
    # the 5000-delta turn: polled every 10 ms (twice: the first one on this server pays for
    # JIT compilation of the streaming and polling paths), then without polling, then codex
    # directly
    for which in ("first", "again"):
        secs, cpu, got, lost = mcp_delta_turn(c, env, n, env.args.poll_ms / 1000)
        add(("delta", "mcp_s" if which == "first" else "mcp_s_again"), secs)
        add(("delta", "mcp_cpu" if which == "first" else "mcp_cpu_again"), cpu)
        add(("delta", "mcp_received"), got)
        add(("delta", "mcp_lost"), lost)
    add(("delta", "rss_after"), rss_kb(c.pid))
    cpu0 = cpu_seconds(c.pid)
    t0 = time.perf_counter()
    until_idle(c, c.tool("codex", codex_args(env, "BENCH_DELTAS %d" % n, wait=120000)))
    add(("delta", "mcp_wait_s"), time.perf_counter() - t0)
    add(("delta", "mcp_wait_cpu"), cpu_seconds(c.pid) - cpu0)
    d = env.direct("BENCH_DELTAS %d" % n)
    run_direct([d])
    add(("delta", "direct_s"), d.seconds)
    add(("delta", "direct_codex_cpu"), cpu_seconds(d.proc.pid))
    add(("delta", "direct_received"), d.deltas)
    d.close()
    c.close()


def phase_turns(env, res, rounds, server_line, baseline_line=None):
    for r in range(rounds):
        order = [((), server_line)]
        if baseline_line:
            order.append((("baseline",), baseline_line))
            if r % 2:
                order.reverse()
        for prefix, line in order:
            turns_on_server(env, res, line, r, prefix)


def sessions_run(env, res, line, key, codex=None, list_calls=0):
    """20 concurrent waitForResult turns on one server, then idle memory, then list round trips."""
    n = env.args.sessions
    c = McpClient(line, env.server_env(codex), env.work, "sessions " + key, env.logs)
    c.initialize()
    sampler = Sampler(c.pid)
    sampler.start()
    t0 = time.perf_counter()
    ids = [c.request("tools/call", {"name": "codex", "arguments": codex_args(env, "Say done.", wait=120000)})
           for _ in range(n)]
    for rid in ids:
        msg, _ = c.wait(rid)
        sc = until_idle(c, structured(msg["result"], "codex"))
        if sc.get("status") != "idle":
            raise RuntimeError("concurrent session ended %s" % sc.get("status"))
    res.add(("conc", key, "wall_s"), time.perf_counter() - t0)
    sampler.stop()
    res.add(("conc", key, "peak_server"), proc_status(c.pid)["VmHWM"])
    res.add(("conc", key, "peak_children"), sampler.peak_children)
    res.add(("conc", key, "peak_total"), sampler.peak_total)
    time.sleep(env.args.settle)
    kids = descendants(c.pid)
    res.add(("idle", key, "server"), rss_kb(c.pid))
    res.add(("idle", key, "children"), tree_rss_kb(kids))
    res.add(("idle", key, "children_per_session"), tree_rss_kb(kids) / n)
    res.add(("idle", key, "processes"), len(kids))
    if list_calls:
        # Codex goes on working for about two seconds after a turn (~6 ms of CPU a second per
        # app-server, 20 of them): wait until the sessions are idle on Codex's side too
        res.add(("list", "quiet_wait_s"), wait_quiet(kids) + env.args.settle)
        for _ in range(env.args.list_warmup):
            c.tool("codex_session", {"action": "list"})
        times = list_round_trips(c, list_calls, n)
        res.add(("list", "median"), statistics.median(times))
        res.add(("list", "p99"), percentile(times, 99))
        # the same baseline as after the run, but beside these sessions: their idle app-servers
        # wake several times a second each, and a pipe round trip meets them as the list calls do
        echo_round_trips(env, res, list_calls, key="echo_beside")
        # a diagnostic, not the target: the same calls with the sessions' app-servers paused,
        # which leaves the server's own share of the slow calls (its collections, its threads)
        paused = [k for k in descendants(c.pid) if pause(k, signal.SIGSTOP)]
        try:
            times = list_round_trips(c, list_calls, n)
        finally:
            for k in paused:
                pause(k, signal.SIGCONT)
        res.add(("list", "paused_median"), statistics.median(times))
        res.add(("list", "paused_p99"), percentile(times, 99))
    c.close()


def list_round_trips(c, calls, sessions):
    """``calls`` timed ``codex_session list`` round trips, in milliseconds."""
    times = []
    for _ in range(calls):
        t = time.perf_counter()
        sc = c.tool("codex_session", {"action": "list"})
        times.append((time.perf_counter() - t) * 1000)
    if len(sc.get("sessions", [])) != sessions:
        raise RuntimeError("list returned %d sessions" % len(sc.get("sessions", [])))
    return times


def cpu_ns(pids):
    """CPU time of all threads of ``pids``, in nanoseconds (exited processes count nothing)."""
    total = 0
    for pid in pids:
        try:
            for t in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                    total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def wait_quiet(pids, limit_ms_per_s=25, window_s=0.25, timeout_s=10):
    """Waits until ``pids`` together use less than ``limit_ms_per_s`` of CPU per second over a
    window; returns the seconds waited."""
    t0 = time.perf_counter()
    prev = cpu_ns(pids)
    while time.perf_counter() - t0 < timeout_s:
        time.sleep(window_s)
        cur = cpu_ns(pids)
        if (cur - prev) / 1e6 / window_s < limit_ms_per_s:
            break
        prev = cur
    return time.perf_counter() - t0


def pause(pid, sig):
    try:
        os.kill(pid, sig)
        return True
    except ProcessLookupError:
        return False


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def echo_round_trips(env, res, calls, key="echo"):
    p = subprocess.Popen(env.oneline("echo"), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    line = (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                        "params": {"name": "codex_session", "arguments": {"action": "list"}}}) + "\n").encode()
    times = []
    for i in range(env.args.list_warmup + calls):
        t = time.perf_counter()
        p.stdin.write(line)
        p.stdin.flush()
        p.stdout.readline()
        if i >= env.args.list_warmup:
            times.append((time.perf_counter() - t) * 1000)
    p.stdin.close()
    p.wait()
    res.add(("list", key + "_median"), statistics.median(times))
    res.add(("list", key + "_p99"), percentile(times, 99))


def direct_concurrent(env, res):
    n = env.args.sessions
    turns = [env.direct("Say done.") for _ in range(n)]
    t0 = time.perf_counter()
    peak = [0]

    def sample():
        peak[0] = max(peak[0], tree_rss_kb([t.proc.pid for t in turns]))

    stop = threading.Event()

    def loop():
        while not stop.is_set():
            sample()
            stop.wait(0.02)

    th = threading.Thread(target=loop, daemon=True)
    th.start()
    run_direct(turns)
    res.add(("conc", "direct", "wall_s"), time.perf_counter() - t0)
    stop.set()
    th.join()
    sample()
    res.add(("conc", "direct", "peak_children"), peak[0])
    time.sleep(env.args.settle)
    res.add(("idle", "direct", "children_per_session"), tree_rss_kb([t.proc.pid for t in turns]) / n)
    for t in turns:
        t.close()


def phase_sessions(env, res, rounds, line):
    for r in range(rounds):
        steps = [lambda: sessions_run(env, res, line, "native", list_calls=env.args.list_calls),
                 lambda: direct_concurrent(env, res),
                 lambda: echo_round_trips(env, res, env.args.list_calls)]
        if not env.args.skip_launcher:
            steps.append(lambda: sessions_run(env, res, line, "launcher", codex=env.launcher))
        for step in steps[r % len(steps):] + steps[:r % len(steps)]:
            step()


def phase_compare(env, res, rounds, lines):
    """JVM option sets side by side (interleaved) on everything flags can change."""
    n = env.args.sessions
    for r in range(rounds):
        for name, argv in lines[r % len(lines):] + lines[:r % len(lines)]:
            k = lambda what: ("cmp", name, what)  # noqa: E731
            c = McpClient(argv, env.config_env(name), env.work, "compare " + name, env.logs)
            _, t_init, t_list = c.handshake()
            res.add(k("init_ms"), (t_init - c.t_spawn) * 1000)
            res.add(k("list_ms"), (t_list - c.t_spawn) * 1000)
            time.sleep(env.args.settle)
            res.add(k("rss_start"), rss_kb(c.pid))
            t0 = time.perf_counter()
            ids = [c.request("tools/call", {"name": "codex", "arguments": codex_args(env, "Say done.", wait=120000)})
                   for _ in range(n)]
            started = [structured(c.wait(rid)[0]["result"], "codex") for rid in ids]
            for sc in started:
                if until_idle(c, sc).get("status") != "idle":
                    raise RuntimeError("%s: a concurrent session ended %s" % (name, sc.get("status")))
            res.add(k("wall_s"), time.perf_counter() - t0)
            time.sleep(env.args.settle)
            rss_idle = rss_kb(c.pid)
            res.add(k("rss_idle"), rss_idle)
            # what else the server keeps running besides Codex (such as the sentinel that becomes
            # the keeper of detached app-servers once the server is gone), and the two together:
            # what the user pays
            others = [p for p in processes_with_env(c.marker)
                      if p != c.pid and not codex_process(p) and not codex_descendant(p)]
            helpers = tree_rss_kb(others)
            if helpers > 4096:  # more than the keeper sentinel: say what (on stderr)
                print("%s: the server's other processes with idle sessions: %s" % (name, "; ".join(
                    "%d %s (%.1f MiB)" % (p, b" ".join(cmdline(p)[:4]).decode(errors="replace")[:160],
                                          rss_kb(p) / 1024) for p in others)), file=sys.stderr)
            res.add(k("rss_idle_helpers"), helpers)
            res.add(k("rss_idle_total"), rss_idle + helpers)
            for _ in range(env.args.list_warmup):
                c.tool("codex_session", {"action": "list"})
            times = []
            for _ in range(env.args.list_calls):
                t = time.perf_counter()
                c.tool("codex_session", {"action": "list"})
                times.append((time.perf_counter() - t) * 1000)
            res.add(k("list_median"), statistics.median(times))
            res.add(k("list_p99"), percentile(times, 99))
            _, cpu, got, lost = mcp_delta_turn(c, env, env.args.deltas, env.args.poll_ms / 1000)
            res.add(k("delta_cpu"), cpu)
            res.add(k("delta_received"), got)
            res.add(k("delta_lost"), lost)
            res.add(k("rss_after"), rss_kb(c.pid))
            res.add(k("hwm"), proc_status(c.pid)["VmHWM"])
            c.close()


# ---------------------------------------------------------------------------- report

def fmt(v, unit="", digits=0):
    if v is None:
        return "–"
    return ("%." + str(digits) + "f%s") % (v, unit)


def mib(kb):
    return None if kb is None else kb / 1024


def paired_ci(mcp, direct, stat, draws=4000, level=0.95, seed=20261121):
    """Percentile bootstrap interval of ``stat(mcp_pairs, direct_pairs)``: pairs are drawn with
    replacement as pairs, so the interval keeps what pairing removes (a slow minute slows both
    turns of a pair). Seeded: a report is reproducible from its samples."""
    n = len(mcp)
    if n < 2 or n != len(direct):
        return None
    rng = random.Random(seed)
    values = []
    for _ in range(draws):
        idx = [rng.randrange(n) for _ in range(n)]
        values.append(stat([mcp[i] for i in idx], [direct[i] for i in idx]))
    values.sort()
    lo = values[int((1 - level) / 2 * draws)]
    hi = values[min(draws - 1, int((1 + level) / 2 * draws))]
    return lo, hi


def diff_of_medians(mcp, direct):
    return statistics.median(mcp) - statistics.median(direct)


def median_pairwise(mcp, direct):
    return statistics.median([x - y for x, y in zip(mcp, direct)])


def fmt_ci(ci, unit, digits=1):
    return "–" if ci is None else "%s–%s" % (fmt(ci[0], "", digits), fmt(ci[1], unit, digits))


def side_by_side(env, res, L):
    """The summary table: each launch line's handshake (cold phase) and its figures under load
    (compare phase) in one table, with ratios to the original when it ran."""
    a, m = env.args, res.med
    cols = ["original"] if a.original else []
    cols += ["plain java -jar", "recommended"] + list(getattr(env, "launcher_names", []))
    heads = {"recommended": "long line (recommended)", "plain java -jar": "plain `java -jar`"}
    one_line = m(("cold", "one-line JVM", "list_ms"))
    rows = [
        ("spawn → `server/discover` answered", ("cold", "discover_ms"), " ms", 0, None),
        ("spawn → `initialize` answered", ("cold", "init_ms"), " ms", 0, None),
        ("spawn → `tools/list` answered (one-line JVM, same three requests: %s)" % fmt(one_line, " ms"),
         ("cold", "list_ms"), " ms", 0, one_line),
        ("RSS right after `tools/list`", ("cold", "rss_list"), " MiB", 1, None),
        ("RSS after start (settled %.1f s)" % a.settle, ("cold", "rss_settled"), " MiB", 1, None),
        ("server CPU, %d-delta turn (polled every %d ms)" % (a.deltas, a.poll_ms), ("cmp", "delta_cpu"), " s", 3, None),
        ("deltas of that turn the polls received (of %d; the rest were evicted before a poll)" % a.deltas,
         ("cmp", "delta_received"), "", 0, None),
        ("server RSS with %d idle sessions" % a.sessions, ("cmp", "rss_idle"), " MiB", 1, None),
        ("the server's other processes then, Codex's excepted (RSS; e.g. the keeper of detached app-servers)",
         ("cmp", "rss_idle_helpers"), " MiB", 1, None),
        ("the server and those processes together, %d idle sessions" % a.sessions,
         ("cmp", "rss_idle_total"), " MiB", 1, None),
    ]
    L("## Side by side (medians of %d rounds; ratios to the original in the same run)" % a.rounds)
    L("")
    L("| measurement | " + " | ".join(heads.get(c, c) for c in cols) + " |")
    L("|---|" + "---:|" * len(cols))
    for label, (phase, what), unit, digits, per in rows:
        cells = []
        orig = m((phase, "original", what)) if a.original else None
        for c in cols:
            v = m((phase, c, what))
            shown = mib(v) if unit == " MiB" else v
            cell = fmt(shown, unit, digits)
            notes = []
            if v is not None and orig and c != "original":
                notes.append("%.2f× original" % (v / orig))
            if v is not None and per:
                notes.append("%.1f× one-line JVM" % (v / per))
            cells.append(cell + (" (%s)" % ", ".join(notes) if notes else ""))
        L("| %s | %s |" % (label, " | ".join(cells)))
    L("")
    signalled = [c for c in cols if res.samples.get(("cold", c, "exit_signal"))]
    if signalled:
        L("Did not exit when stdin closed (ended by SIGTERM, as clients do next): %s." % ", ".join(signalled))
        L("")
    if a.original:
        L("The original has no `waitForResult`: its sessions in the compare phase were polled every 100 ms until idle.")
        L("")


def report(env, res, configs, elapsed):
    a = env.args
    m = res.med
    rows = []
    L = rows.append
    L("# codex-mcp benchmark results")
    L("")
    L("%s · %s · %d CPUs · load %s · rounds %d · %.0f s" % (
        datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.platform(), os.cpu_count(),
        " ".join("%.1f" % x for x in os.getloadavg()), a.rounds, elapsed))
    L("")
    L("jar `%s`; recommended JVM options `%s`" % (os.path.relpath(a.jar, ROOT), a.recommended))
    L("")
    base = m(("cold", "one-line JVM", "init_ms"))
    if {"cold", "compare"} <= a.phases:
        side_by_side(env, res, L)
    if "cold" in a.phases:
        L("## Cold start (medians; handshake as clients send it: server/discover, initialize, tools/list)")
        L("")
        L("| launch | spawn→discover answered | spawn→initialize | spawn→tools/list | tools/list ×one-line JVM | RSS after tools/list | RSS settled (%.1f s) | VmHWM | children settled | stdin EOF→exit |" % a.settle)
        L("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        base_list = m(("cold", "one-line JVM", "list_ms"))
        for name, argv in configs:
            lst = m(("cold", name, "list_ms"))
            L("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                name, fmt(m(("cold", name, "discover_ms")), " ms"), fmt(m(("cold", name, "init_ms")), " ms"),
                fmt(lst, " ms"), fmt(lst / base_list if lst and base_list else None, "×", 1),
                fmt(mib(m(("cold", name, "rss_list"))), " MiB", 1),
                fmt(mib(m(("cold", name, "rss_settled"))), " MiB", 1),
                fmt(mib(m(("cold", name, "hwm_settled"))), " MiB", 1),
                fmt(mib(m(("cold", name, "children_settled"))), " MiB", 1),
                "not on EOF (SIGTERM)" if res.samples.get(("cold", name, "exit_signal")) else fmt(m(("cold", name, "exit_ms")), " ms")))
        L("")
        for name, argv in configs:
            if argv:
                L("- %s: `%s`" % (name, " ".join(argv)))
        L("")
    if "turns" in a.phases:
        turn_tables = [("## Turns (medians)", ())]
        if a.baseline_jar:
            turn_tables.append(("## Turns, baseline jar `%s` (same run, servers interleaved round by round)"
                                % a.baseline_jar, ("baseline",)))
        for title, pre in turn_tables:
            L(title)
            L("")
            L("| measurement | codex-mcp | codex app-server driven directly | difference |")
            L("|---|---:|---:|---:|")
            mt, dt = m(pre + ("turn", "mcp")), m(pre + ("turn", "direct"))
            L("| first plain turn on a fresh server (not in the median below) | %s | | |" % fmt(m(pre + ("turn", "mcp_first")), " ms"))
            pm, pd = res.samples.get(pre + ("turn", "mcp"), []), res.samples.get(pre + ("turn", "direct"), [])
            L("| plain turn, call → idle (waitForResult); %d pairs | %s | %s | %s (95%% CI %s); median of pairwise differences: %s (95%% CI %s) |" % (
                len(pm), fmt(mt, " ms"), fmt(dt, " ms"), fmt(mt - dt if mt and dt else None, " ms", 1),
                fmt_ci(paired_ci(pm, pd, diff_of_medians), " ms"),
                fmt(m(pre + ("turn", "diff")), " ms", 1), fmt_ci(paired_ci(pm, pd, median_pairwise), " ms")))
            ms, ds = m(pre + ("delta", "mcp_s")), m(pre + ("delta", "direct_s"))
            L("| %d-delta turn, call → all events pollable (poll every %d ms) | %s | %s | %s |" % (
                a.deltas, a.poll_ms, fmt(ms, " s", 3), fmt(ds, " s", 3), fmt(ms - ds if ms and ds else None, " s", 3)))
            L("| %d-delta turn, server CPU (10 ms polling included), first on the server | %s | codex child: %s | |" % (
                a.deltas, fmt(m(pre + ("delta", "mcp_cpu")), " s", 3), fmt(m(pre + ("delta", "direct_codex_cpu")), " s", 3)))
            L("| %d-delta turn, server CPU (10 ms polling included), second on the server | %s | | |" % (
                a.deltas, fmt(m(pre + ("delta", "mcp_cpu_again")), " s", 3)))
            L("| %d-delta turn, server CPU with waitForResult (no polling), third | %s | | |" % (
                a.deltas, fmt(m(pre + ("delta", "mcp_wait_cpu")), " s", 3)))
            L("| server RSS after these turns | %s | | |" % fmt(mib(m(pre + ("delta", "rss_after"))), " MiB", 1))
            L("| %d-delta turn, deltas received / lost (worst round) | %d / %d | %d | |" % (
                a.deltas, min(res.samples[pre + ("delta", "mcp_received")]), max(res.samples[pre + ("delta", "mcp_lost")]),
                min(res.samples[pre + ("delta", "direct_received")])))
            L("")
    if "sessions" in a.phases:
        n = a.sessions
        L("## %d sessions (medians)" % n)
        L("")
        L("| measurement | codex-mcp (native codex) | codex-mcp (npm launcher) | %d app-servers driven directly |" % n)
        L("|---|---:|---:|---:|")
        L("| %d concurrent turns, wall time | %s | %s | %s |" % (
            n, fmt(m(("conc", "native", "wall_s")), " s", 2), fmt(m(("conc", "launcher", "wall_s")), " s", 2),
            fmt(m(("conc", "direct", "wall_s")), " s", 2)))
        L("| peak server RSS (VmHWM) | %s | %s | |" % (
            fmt(mib(m(("conc", "native", "peak_server"))), " MiB", 1),
            fmt(mib(m(("conc", "launcher", "peak_server"))), " MiB", 1)))
        L("| peak children RSS (sum, sampled every 20 ms) | %s | %s | %s |" % (
            fmt(mib(m(("conc", "native", "peak_children"))), " MiB", 0),
            fmt(mib(m(("conc", "launcher", "peak_children"))), " MiB", 0),
            fmt(mib(m(("conc", "direct", "peak_children"))), " MiB", 0)))
        L("| server RSS with %d idle sessions | %s | %s | |" % (
            n, fmt(mib(m(("idle", "native", "server"))), " MiB", 1), fmt(mib(m(("idle", "launcher", "server"))), " MiB", 1)))
        L("| children RSS per idle session | %s | %s | %s |" % (
            fmt(mib(m(("idle", "native", "children_per_session"))), " MiB", 1),
            fmt(mib(m(("idle", "launcher", "children_per_session"))), " MiB", 1),
            fmt(mib(m(("idle", "direct", "children_per_session"))), " MiB", 1)))
        L("| child processes for %d idle sessions | %s | %s | %d |" % (
            n, fmt(m(("idle", "native", "processes"))), fmt(m(("idle", "launcher", "processes"))), n))
        L("")
        L("| `codex_session list` round trip (%d idle sessions, their app-servers quiet %s after the turns; %d calls after %d warm-up) | median | p99 |" % (
            n, fmt(m(("list", "quiet_wait_s")), " s", 1), a.list_calls, a.list_warmup))
        L("|---|---:|---:|")
        L("| codex-mcp | %s | %s |" % (fmt(m(("list", "median")), " ms", 3), fmt(m(("list", "p99")), " ms", 3)))
        L("| codex-mcp, the sessions' app-servers paused (SIGSTOP; a diagnostic: the server's own share) | %s | %s |" % (
            fmt(m(("list", "paused_median")), " ms", 3), fmt(m(("list", "paused_p99")), " ms", 3)))
        L("| one-line JVM echoing the same request line, beside the %d idle sessions | %s | %s |" % (
            n, fmt(m(("list", "echo_beside_median")), " ms", 3), fmt(m(("list", "echo_beside_p99")), " ms", 3)))
        L("| one-line JVM echoing the same request line, no sessions alive | %s | %s |" % (
            fmt(m(("list", "echo_median")), " ms", 3), fmt(m(("list", "echo_p99")), " ms", 3)))
        L("")
    if "compare" in a.phases:
        L("## JVM options compared (medians; server with %d sessions, then %d list calls, then a %d-delta turn polled every %d ms)" % (
            a.sessions, a.list_calls, a.deltas, a.poll_ms))
        L("")
        L("| options | spawn→initialize | spawn→tools/list | RSS at start | %d turns wall | RSS %d idle | list median | list p99 | delta-turn CPU | RSS after | VmHWM |" % (a.sessions, a.sessions))
        L("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, _ in env.compare_lines:
            g = lambda what: m(("cmp", name, what))  # noqa: E731
            L("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                name, fmt(g("init_ms"), " ms"), fmt(g("list_ms"), " ms"), fmt(mib(g("rss_start")), " MiB", 1), fmt(g("wall_s"), " s", 2),
                fmt(mib(g("rss_idle")), " MiB", 1), fmt(g("list_median"), " ms", 3), fmt(g("list_p99"), " ms", 2),
                fmt(g("delta_cpu"), " s", 3), fmt(mib(g("rss_after")), " MiB", 1), fmt(mib(g("hwm")), " MiB", 1)))
        L("")
        for name, argv in env.compare_lines:
            L("- %s: `%s`" % (name, " ".join(argv)))
        L("")
    L("## Targets")
    L("")
    L("| target | value | met |")
    L("|---|---:|:---:|")

    def target(name, value, limit, unit, digits=1, note=""):
        if value is None:
            return
        L("| %s (≤ %s%s) | %s%s | %s |" % (name, fmt(limit, "", digits), unit, fmt(value, unit, digits), note,
                                           "yes" if value <= limit else "**no**"))

    if "cold" in a.phases and base:
        base_list = m(("cold", "one-line JVM", "list_ms"))
        for name, argv in configs:
            if name.startswith("launcher") and "first start" not in name:
                lst = m(("cold", name, "list_ms"))
                target("spawn→discover→initialize→tools/list, %s, × one-line JVM" % name,
                       lst / base_list if lst and base_list else None, 4, "×")
                target("RSS after tools/list, %s" % name, mib(m(("cold", name, "rss_list"))), 60, " MiB")
                for what, label in (("list_ms", "spawn→tools/list"), ("rss_list", "RSS after tools/list"),
                                    ("rss_settled", "RSS settled")):
                    mine, long_line = m(("cold", name, what)), m(("cold", "recommended", what))
                    if mine and long_line:
                        target("%s, %s ÷ long line" % (label, name), mine / long_line, 1, "×", 2)
    if "sessions" in a.phases:
        target("server RSS after %d idle sessions" % a.sessions, mib(m(("idle", "native", "server"))), 96, " MiB")
        target("codex_session list median", m(("list", "median")), 0.5, " ms", 3)
        target("codex_session list p99", m(("list", "p99")), 3, " ms", 3)
        nat, lau = m(("idle", "native", "children_per_session")), m(("idle", "launcher", "children_per_session"))
        if nat and lau:
            target("children per session, native − npm launcher", mib(nat - lau), 0, " MiB")
    if "turns" in a.phases:
        mt, dt = m(("turn", "mcp")), m(("turn", "direct"))
        pm, pd = res.samples.get(("turn", "mcp"), []), res.samples.get(("turn", "direct"), [])
        target("plain turn − codex driven directly (difference of medians)", mt - dt if mt and dt else None, 10, " ms",
               note=" (95%% CI %s)" % fmt_ci(paired_ci(pm, pd, diff_of_medians), " ms"))
        target("plain turn − codex driven directly (median pairwise difference)", m(("turn", "diff")), 10, " ms",
               note=" (95%% CI %s)" % fmt_ci(paired_ci(pm, pd, median_pairwise), " ms"))
        target("%d-delta turn server CPU (10 ms polling), first on the server" % a.deltas, m(("delta", "mcp_cpu")), 0.15, " s", 3)
        target("%d-delta turn server CPU (10 ms polling), second on the server" % a.deltas, m(("delta", "mcp_cpu_again")), 0.15, " s", 3)
        target("%d-delta turn events lost" % a.deltas, max(res.samples[("delta", "mcp_lost")]), 0, "", 0)
    L("")
    L("stdout protocol violations: %d" % len(VIOLATIONS))
    for label, line in VIOLATIONS[:20]:
        L("- %s: `%s`" % (label, line.rstrip()))
    return "\n".join(rows) + "\n"


def main():
    ap = argparse.ArgumentParser(description="codex-mcp benchmarks (see bench/README.md)")
    ap.add_argument("--jar", default=os.path.join(ROOT, "target", "codex-mcp.jar"))
    ap.add_argument("--java", default=shutil.which("java") or "java")
    ap.add_argument("--javac", default=shutil.which("javac") or "javac")
    ap.add_argument("--cli", default=DEFAULT_CLI, help="npm install prefix of @openai/codex")
    ap.add_argument("--rounds", type=int, help="rounds (default 5; 3 with --summary)")
    ap.add_argument("--phases", default="cold,turns,sessions")
    ap.add_argument("--summary", action="store_true",
                    help="the side-by-side table (bench/README.md): phases cold and compare, the compare "
                         "phase with plain java -jar, the long line, the launcher and --original only")
    ap.add_argument("--recommended", default=RECOMMENDED, help="JVM options of the recommended line")
    ap.add_argument("--server-line", choices=("recommended", "plain"), default="recommended",
                    help="launch line of the servers in the turns and sessions phases")
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=OPTIONS",
                    help="extra JVM option set for the cold-start phase (repeatable); options ending in "
                         "'-jar <jar>' launch another jar, e.g. 'before=-jar /tmp/old.jar'")
    ap.add_argument("--explore-flags", action="store_true", help="add the built-in flag variants to cold start")
    ap.add_argument("--compare", action="append", default=[], metavar="NAME=OPTIONS",
                    help="JVM option set for the compare phase (repeatable; default: plain, recommended and "
                         "the built-in variants)")
    ap.add_argument("--settle", type=float, default=1.0, help="seconds to wait before 'settled' RSS readings")
    ap.add_argument("--turns", type=int, default=24,
                    help="plain turns per round (each beside a direct one); a directly driven turn "
                         "alone varies by tens of milliseconds, so the default gives 120 pairs")
    ap.add_argument("--deltas", type=int, default=5000)
    ap.add_argument("--poll-ms", type=int, default=10)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--list-calls", type=int, default=500)
    ap.add_argument("--list-warmup", type=int, default=50)
    ap.add_argument("--skip-launcher", action="store_true")
    ap.add_argument("--dist", default=os.path.join(ROOT, "target", "codex-mcp"),
                    help="the launcher folder (bin/codex-mcp)")
    ap.add_argument("--launcher-jdk", action="append", default=[], metavar="NAME=JAVA_HOME",
                    help="run the launcher with this JDK as cold-start column NAME (repeatable; default: "
                         "'launcher' with the JDK of --java)")
    ap.add_argument("--first-start", action="store_true",
                    help="add a cold-start column for the launcher's very first start (empty cache)")
    ap.add_argument("--original", metavar="COMMAND",
                    help="command line of the TypeScript original, as a cold-start and compare column")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "bench-results.md"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    ap.add_argument("--baseline-jar", help="another jar (e.g. an earlier build) whose servers run in the turns "
                    "phase interleaved with this jar's, round by round; launched with the same options and its "
                    "own class-data archive (<jar without .jar>.jsa)")
    a = ap.parse_args()
    a.jar = os.path.abspath(a.jar)
    a.phases = {"cold", "compare"} if a.summary else set(a.phases.split(","))
    if a.rounds is None:
        a.rounds = 3 if a.summary else 5
    for need in (a.jar, os.path.join(a.cli, NATIVE_REL), os.path.join(a.cli, LAUNCHER_REL)):
        if not os.path.exists(need):
            sys.exit("missing %s (build the jar / install the Codex CLI first)" % need)
    env = Env(a)
    res = Results()
    started = time.time()
    try:
        configs = [("one-line JVM", None), ("plain java -jar", env.java_line("")),
                   ("recommended", env.java_line(a.recommended))]
        java_home = os.path.dirname(os.path.dirname(os.path.realpath(shutil.which(a.java) or a.java)))
        jdks = [tuple(v.split("=", 1)) for v in a.launcher_jdk] or [("launcher", java_home)]
        launchers = [(name, env.launcher_line(name, home)) for name, home in jdks]
        env.launcher_names = [name for name, _ in launchers]
        configs += launchers
        if a.first_start:
            configs.append(("launcher, first start", env.launcher_line("launcher, first start", jdks[0][1], True)))
        if a.original:
            configs.append(("original", shlex.split(a.original)))
            # The original finds codex on PATH only: a folder with the same native binary first.
            codex_bin = os.path.join(env.tmp, "codex-bin")
            os.makedirs(codex_bin)
            os.symlink(env.native, os.path.join(codex_bin, "codex"))
            env._extra_env["original"] = {"PATH": codex_bin + os.pathsep + env.base_env.get("PATH", "")}
        extra = list(EXPLORE) if a.explore_flags else []
        extra += [tuple(v.split("=", 1)) for v in a.variant]
        configs += [(name, env.java_line(opts)) for name, opts in extra]
        line = env.java_line(a.recommended if a.server_line == "recommended" else "")
        compare = [tuple(v.split("=", 1)) for v in a.compare] or (
            [("plain java -jar", ""), ("recommended", a.recommended)] + ([] if a.summary else list(EXPLORE)))
        env.compare_lines = [(name, env.java_line(opts)) for name, opts in compare] + launchers
        if a.original:
            env.compare_lines.append(("original", shlex.split(a.original)))
        if "cold" in a.phases:
            phase_cold(env, res, a.rounds, configs)
            print("cold start done", file=sys.stderr)
        if "turns" in a.phases:
            baseline = None
            if a.baseline_jar:
                bjar = os.path.abspath(a.baseline_jar)
                baseline = [x.replace(os.path.splitext(a.jar)[0] + ".jsa", os.path.splitext(bjar)[0] + ".jsa")
                            for x in line]
                baseline[baseline.index(a.jar)] = bjar
            phase_turns(env, res, a.rounds, line, baseline)
            print("turns done", file=sys.stderr)
        if "sessions" in a.phases:
            phase_sessions(env, res, a.rounds, line)
            print("sessions done", file=sys.stderr)
        if "compare" in a.phases:
            phase_compare(env, res, a.rounds, env.compare_lines)
            print("compare done", file=sys.stderr)
        text = report(env, res, configs, time.time() - started)
    finally:
        env.close()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump({" / ".join(map(str, k)): v for k, v in res.samples.items()}, f, indent=1)
    print(text)
    if VIOLATIONS:
        print("FAILED: %d non-JSON line(s) on a server's stdout" % len(VIOLATIONS), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
