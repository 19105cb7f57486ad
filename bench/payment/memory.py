#!/usr/bin/env python3
"""logpipe's memory with a full queue, and its start-up time.

usage: memory.py LOGPIPE CONFIG WORKLOAD SEND_BIN [EXTRA LOGPIPE ARGS...]

Full queue: the Elasticsearch "server" accepts connections and never answers,
so the output's first bulk request hangs, workers stop taking batches, the
memory queue fills and the tcp input stops reading (backpressure). The
workload is sent meanwhile; once logpipe's RSS has not grown for 2 s the
resident and peak sizes are read from /proc. Start-up: the median of 5 runs
of `logpipe -t` (check the config and exit), and the time until the tcp
input listens. Prints one JSON line."""
import json
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from measure import listening, free_port, status_kib  # noqa: E402


def main():
    logpipe, config, workload, send_bin = sys.argv[1:5]
    extra = sys.argv[5:]
    out = {}
    # A server that never answers.
    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(64)
    bench_port = free_port()
    env = dict(os.environ, BENCH_PORT=str(bench_port), SINK_PORT=str(mute.getsockname()[1]))

    runs = []
    for _ in range(5):
        t0 = time.monotonic()
        subprocess.run([logpipe, "-t", "-f", config], env=env, stdout=subprocess.DEVNULL, check=True)
        runs.append((time.monotonic() - t0) * 1000)
    out["config_test_ms"] = round(statistics.median(runs), 1)

    t0 = time.monotonic()
    proc = subprocess.Popen([logpipe, "-f", config, "--api.enabled", "false", "--log.level", "error"] + extra,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sender = None
    try:
        deadline = t0 + 30
        while not listening(bench_port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("logpipe did not start listening")
            time.sleep(0.001)
        out["time_to_listen_ms"] = round((time.monotonic() - t0) * 1000, 1)
        out["rss_rest_kib"] = status_kib(proc.pid, "VmRSS")
        sender = subprocess.Popen([send_bin, str(bench_port), workload])
        last, stable_since = 0, time.monotonic()
        deadline = time.monotonic() + 120
        while time.monotonic() - stable_since < 2.0:
            if time.monotonic() > deadline:
                raise RuntimeError("RSS still growing after 120 s")
            rss = status_kib(proc.pid, "VmRSS")
            if rss > last:
                last, stable_since = rss, time.monotonic()
            time.sleep(0.05)
        out["rss_full_queue_kib"] = status_kib(proc.pid, "VmRSS")
        out["hwm_full_queue_kib"] = status_kib(proc.pid, "VmHWM")
        out["sender_still_blocked"] = sender.poll() is None
    except RuntimeError as ex:
        out["error"] = str(ex)
    finally:
        proc.kill()
        proc.wait()
        if sender:
            sender.kill()
            sender.wait()
        mute.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
