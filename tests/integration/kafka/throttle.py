#!/usr/bin/env python3
"""Copies lines from stdin to FILE (appending), at most RATE lines per second:
a deliberately slow reader of logpipe's stdout, so that the output pushes back
and a kill lands while messages are still in flight.

    throttle.py RATE FILE"""
import sys
import time


def main():
    rate, path = float(sys.argv[1]), sys.argv[2]
    start, n = time.monotonic(), 0
    with open(path, "ab") as out:
        for line in sys.stdin.buffer:
            out.write(line)
            n += 1
            if n % 100 == 0:
                out.flush()
                ahead = n / rate - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
        out.flush()


if __name__ == "__main__":
    main()
