#!/usr/bin/env python3
"""Generates Filebeat-shaped payment log events, one JSON document per line,
as Filebeat's logstash output delivers them: the application's own JSON log
line in "message", plus fields.service, host, log.file.path, agent, ecs.

Mix: INFO/WARN/ERROR with business errors (an error_code) and system errors
(none), slow requests, ~3% non-JSON lines (stack traces, plain text), ~1% of
another service, timestamps in +09:00 spanning two UTC days.

usage: payment_gen.py COUNT [--seed N] [--start ISO] [--span-hours H]"""
import argparse
import datetime as dt
import json
import random
import sys

INFO_EVENTS = ["PAYMENT_REQUESTED", "PAYMENT_APPROVED", "PAYMENT_CAPTURED", "REFUND_REQUESTED",
               "REFUND_COMPLETED", "BALANCE_CHECKED", "POINTS_REDEEMED", "SETTLEMENT_BATCH_DONE"]
WARN_EVENTS = ["SLOW_UPSTREAM_RESPONSE", "RETRYING_PG_CALL", "RATE_LIMIT_NEAR", "DUPLICATE_REQUEST"]
BUSINESS_ERRORS = [("PAYMENT_DECLINED", "CARD_DECLINED", "Card issuer declined the payment"),
                   ("PAYMENT_FAILED", "INSUFFICIENT_BALANCE", "Insufficient balance for payment"),
                   ("PAYMENT_FAILED", "LIMIT_EXCEEDED", "Daily payment limit exceeded"),
                   ("REFUND_FAILED", "REFUND_WINDOW_CLOSED", "Refund period has expired")]
SYSTEM_ERRORS = [("DB_TIMEOUT", "Connection to payment-db timed out after 3000 ms"),
                 ("PG_CONNECTION_RESET", "Connection reset by peer while calling PG gateway"),
                 ("UNEXPECTED_EXCEPTION", "java.lang.NullPointerException: Cannot invoke \"Order.getId()\""),
                 ("KAFKA_PUBLISH_FAILED", "Failed to publish settlement event: broker not available")]
METHODS = ["CARD", "MONEY", "BANK_TRANSFER", "POINT"]
MERCHANTS = ["M-1001-coffee", "M-2044-bookstore", "M-3100-taxi", "M-4410-convenience", "M-5012-airline"]
NON_JSON = ["\tat com.kakaopay.payment.service.PaymentService.approve(PaymentService.java:214)",
            "WARNING: GC overhead high, pause 412ms",
            "Exception in thread \"pg-callback-3\" java.net.SocketTimeoutException: Read timed out",
            "2026-11-26 09:00:01 INFO  [main] o.s.b.w.e.tomcat.TomcatWebServer - Tomcat started on port 8080"]
KST = dt.timezone(dt.timedelta(hours=9))


def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def app_line(rng, ts, service):
    r = rng.random()
    ctx = {"merchantId": rng.choice(MERCHANTS), "amount": rng.choice([1500, 4500, 12000, 39000, 150000, 990000]),
           "currency": "KRW", "method": rng.choice(METHODS)}
    if rng.random() < 0.93:
        d = rng.random()
        ctx["duration_ms"] = (rng.randint(1001, 4800) if d < 0.07 else
                              rng.randint(501, 1000) if d < 0.22 else rng.randint(8, 500))
    if r < 0.86:
        level, event, msg = "INFO", rng.choice(INFO_EVENTS), "Request processed"
    elif r < 0.94:
        level, event, msg = "WARN", rng.choice(WARN_EVENTS), "Degraded upstream response"
    elif r < 0.97:
        event, code, msg = rng.choice(BUSINESS_ERRORS)
        level = "ERROR"
        ctx["error_code"] = code
    else:
        event, msg = rng.choice(SYSTEM_ERRORS)
        level = "ERROR"
        ctx["exception"] = msg.split(":")[0]
    line = {
        "timestamp": ts.astimezone(KST).isoformat(timespec="milliseconds"),
        "level": level,
        "service": service,
        "event": event,
        "message": msg,
        "transactionId": "TXN-" + ts.strftime("%Y%m%d") + "-" + hexid(rng, 12),
        "userId": "user" + str(rng.randint(10000000, 99999999)),
        "sessionId": "sess-" + hexid(rng, 24),
        "requestId": hexid(rng, 8) + "-" + hexid(rng, 4) + "-" + hexid(rng, 4) + "-" + hexid(rng, 12),
        "context": ctx,
    }
    return json.dumps(line, separators=(",", ":"))


def event(rng, i, ts):
    other = rng.random() < 0.01
    service = "auth" if other else "payment"
    host = ("auth-api-0" if other else "pay-api-0") + str(rng.randint(1, 4))
    message = rng.choice(NON_JSON) if rng.random() < 0.03 else app_line(rng, ts, service)
    shipped = ts + dt.timedelta(milliseconds=rng.randint(1, 40))
    return {
        "@timestamp": shipped.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "@metadata": {"beat": "filebeat", "type": "_doc", "version": "8.11.0"},
        "message": message,
        "fields": {"service": service, "env": "prod"},
        "host": {"name": host},
        "log": {"file": {"path": f"/var/log/{service}/application.log"}, "offset": i * 731},
        "input": {"type": "filestream"},
        "agent": {"type": "filebeat", "version": "8.11.0", "name": host,
                  "id": "7f0c" + hexid(rng, 4) + "-1f4e-4c1a-9d2b-3a6e" + hexid(rng, 8)},
        "ecs": {"version": "8.0.0"},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("count", type=int)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--start", default="2026-11-25T21:00:00+00:00")
    ap.add_argument("--span-hours", type=float, default=6.0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    start = dt.datetime.fromisoformat(a.start)
    step = a.span_hours * 3600.0 / max(a.count, 1)
    out = sys.stdout
    for i in range(a.count):
        ts = start + dt.timedelta(seconds=i * step + rng.random() * step)
        out.write(json.dumps(event(rng, i, ts), separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
