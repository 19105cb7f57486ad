#!/usr/bin/env python3
"""Runs one system under test through one pass of the payment benchmark and
prints one JSON result line.

usage: measure.py NAME WORKLOAD SINK_BIN SEND_BIN WORKDIR CONFIG -- COMMAND...

Starts the _bulk sink (bench/es_sink.c, dumping bodies into WORKDIR), picks a
free loopback port for the system's TCP input, copies CONFIG into WORKDIR with
@BENCH_PORT@, @SINK_PORT@ and @WORKDIR@ replaced (and exports BENCH_PORT,
SINK_PORT, BENCH_DIR, BENCH_CONFIG for configs that read the environment),
starts COMMAND (its arguments may use the same @...@ names and @CONFIG@ for
the copied config), waits until the port listens, sends WORKLOAD with the
sender, and waits (deadline BENCH_DEADLINE seconds, default 600) until the
sink has counted one document per line. Then it reads the system's CPU time
(utime+stime of the process from /proc, taken just before sending and when
the last document arrived) and peak RSS (VmHWM), stops everything and runs
verify.py on what the sink received."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICK  # utime, stime


def status_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def listening(port):
    want = ":%04X" % port
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    if cols[1].endswith(want) and cols[3] == "0A":
                        return True
        except OSError:
            pass
    return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sink_stats(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/_sink/stats" % port, timeout=5) as r:
        return json.loads(r.read())


def sink_docs(port):
    return sink_stats(port)["docs"]


def stop(proc, sig=signal.SIGTERM):
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main():
    sep = sys.argv.index("--")
    name, workload, sink_bin, send_bin, workdir, config = sys.argv[1:sep]
    command = sys.argv[sep + 1:]
    deadline_s = float(os.environ.get("BENCH_DEADLINE", "600"))
    os.makedirs(workdir, exist_ok=True)
    with open(workload, "rb") as f:
        events = sum(1 for _ in f)
    size = os.path.getsize(workload)
    dump = os.path.join(workdir, "bulk.ndjson")
    result = {"system": name, "events": events, "bytes": size}

    sink = subprocess.Popen([sink_bin, "0", "--dump", dump], stdout=subprocess.PIPE)
    sink_port = int(sink.stdout.readline())
    bench_port = free_port()
    subst = {"@BENCH_PORT@": str(bench_port), "@SINK_PORT@": str(sink_port), "@WORKDIR@": workdir}
    with open(config) as f:
        text = f.read()
    for k, v in subst.items():
        text = text.replace(k, v)
    conf_copy = os.path.join(workdir, os.path.basename(config))
    with open(conf_copy, "w") as f:
        f.write(text)
    subst["@CONFIG@"] = conf_copy
    argv = []
    for a in command:
        for k, v in subst.items():
            a = a.replace(k, v)
        argv.append(a)
    env = dict(os.environ, BENCH_PORT=str(bench_port), SINK_PORT=str(sink_port), BENCH_DIR=workdir,
               BENCH_CONFIG=conf_copy)
    log = open(os.path.join(workdir, "system.log"), "wb")
    proc = None
    try:
        t_start = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
        deadline = time.monotonic() + 30
        while not listening(bench_port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("%s did not start listening (see %s)" % (name, log.name))
            time.sleep(0.002)
        result["startup_ms"] = round((time.monotonic() - t_start) * 1000, 1)
        result["rss_rest_kib"] = status_kib(proc.pid, "VmRSS")
        cpu0 = cpu_seconds(proc.pid)
        sink_cpu0 = cpu_seconds(sink.pid)
        t0 = time.monotonic()
        sender = subprocess.Popen([send_bin, str(bench_port), workload])
        deadline = t0 + deadline_s
        docs = 0
        while docs < events:
            if proc.poll() is not None:
                raise RuntimeError("%s exited with %s (see %s)" % (name, proc.returncode, log.name))
            if time.monotonic() > deadline:
                raise RuntimeError("deadline: %d of %d documents after %.0f s" % (docs, events, deadline_s))
            time.sleep(0.005)
            docs = sink_docs(sink_port)
        t1 = time.monotonic()
        cpu = cpu_seconds(proc.pid) - cpu0
        result["rss_peak_kib"] = status_kib(proc.pid, "VmHWM")
        result["sink_cpu_s"] = round(cpu_seconds(sink.pid) - sink_cpu0, 3)
        sender.wait()
        # Late duplicates would show here: the count must stay put a little.
        settle = time.monotonic() + 0.5
        while time.monotonic() < settle:
            time.sleep(0.05)
        stats = sink_stats(sink_port)
        result["documents"] = stats["docs"]
        result["bulk_requests"] = stats["bulk_requests"]
        wall = t1 - t0
        result.update(wall_s=round(wall, 3), cpu_s=round(cpu, 3),
                      events_per_s=round(events / wall), mib_per_s=round(size / wall / 1048576, 2),
                      cpu_s_per_million=round(cpu / events * 1e6, 2),
                      events_per_cpu_s=round(events / cpu) if cpu > 0 else None)
    except (RuntimeError, OSError) as ex:
        result["error"] = str(ex)
    finally:
        if proc:
            stop(proc)
        stop(sink)
        log.close()
    v = subprocess.run([sys.executable, os.path.join(HERE, "verify.py"), workload, dump],
                       stdout=subprocess.PIPE, text=True)
    try:
        result["verify"] = json.loads(v.stdout)
    except ValueError:
        result["verify"] = {"ok": False, "errors": {"verifier": v.stdout[-200:]}}
    result["verified"] = v.returncode == 0 and "error" not in result
    if os.environ.get("BENCH_KEEP") != "1":
        os.unlink(dump)
    print(json.dumps(result), flush=True)
    return 0 if result["verified"] else 1


if __name__ == "__main__":
    sys.exit(main())
