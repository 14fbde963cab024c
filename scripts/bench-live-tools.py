#!/usr/bin/env python3
"""Helpers of scripts/bench-live.

  surge OUT_DIR      writes baseline.jsonl (a hashtag's quiet history: 2 posts an hour over the
                     8 days before now, and 30 posts by each of the GONE accounts) and surge.jsonl
                     (a burst of posts of that hashtag, dated now), both as Jetstream events, and
                     deletions.jsonl (an account event "deleted" for each GONE account)
  hook PORT LOG      a webhook receiver: appends "<arrival unix time> <body>" per POST to LOG
  summary DIR        reads the run's samples and hooks and prints the figures
"""
import json
import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

TAG = "vigiesurge"
# Accounts that the platform deletes during the run: their erasure is timed.
GONE = 20


def iso(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def post_event(index, created, did, text):
    micros = int(created.timestamp() * 1_000_000)
    record = {
        "$type": "app.bsky.feed.post",
        "createdAt": iso(created),
        "langs": ["fr"],
        "text": text,
    }
    if "#" + TAG in text:
        start = len(text[:text.index("#" + TAG)].encode())
        end = start + len(("#" + TAG).encode())
        record["facets"] = [{"index": {"byteStart": start, "byteEnd": end},
                             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": TAG}]}]
    return {"did": did, "time_us": micros, "kind": "commit",
            "commit": {"rev": "3bench%06d" % index, "operation": "create", "collection": "app.bsky.feed.post",
                       "rkey": "3surge%s%06d" % ("b" if index < 1_000_000 else "s", index % 1_000_000),
                       "record": record, "cid": "bafybench%06d" % index}}


def surge(out):
    os.makedirs(out, exist_ok=True)
    now = datetime.now(timezone.utc)
    start = (now - timedelta(days=8)).replace(minute=0, second=0, microsecond=0)
    index = 0
    with open(os.path.join(out, "baseline.jsonl"), "w") as baseline:
        moment = start
        # Up to the previous hour: the hour of the surge starts empty.
        while moment < now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1):
            for minute in (10, 40):
                created = moment + timedelta(minutes=minute)
                did = "did:plc:benchbase%03d" % (index % 200)
                baseline.write(json.dumps(post_event(index, created, did, "Rien de neuf #%s aujourd'hui" % TAG)) + "\n")
                index += 1
            moment += timedelta(hours=1)
        for account in range(GONE):
            for number in range(30):
                created = start + timedelta(hours=account * 3 + number)
                baseline.write(json.dumps(post_event(2_000_000 + account * 100 + number, created, "did:plc:benchgone%02d" % account,
                                                     "Sortie à vélo numéro %d du compte %d" % (number, account))) + "\n")
    with open(os.path.join(out, "surge.jsonl"), "w") as burst:
        for number in range(60):
            created = now + timedelta(milliseconds=number)
            # A third of the burst from a few accounts that post the same text: a manufactured part.
            if number % 3 == 0:
                did, text = "did:plc:benchring%02d" % (number % 4), "Tous ensemble maintenant pour la grande marche de demain #%s" % TAG
            else:
                did, text = "did:plc:benchcrowd%03d" % number, "Ça bouge enfin #%s, post %d" % (TAG, number)
            burst.write(json.dumps(post_event(1_000_000 + number, created, did, text)) + "\n")
    with open(os.path.join(out, "deletions.jsonl"), "w") as deletions:
        for account in range(GONE):
            did = "did:plc:benchgone%02d" % account
            created = now + timedelta(seconds=account)
            deletions.write(json.dumps({"did": did, "time_us": int(created.timestamp() * 1_000_000), "kind": "account",
                                        "account": {"active": False, "did": did, "seq": 1000 + account,
                                                    "status": "deleted", "time": iso(created)}}) + "\n")
    print("baseline: %d posts over 8 days and %d posts of %d accounts deleted later; surge: 60 posts" % (index, GONE * 30, GONE))


def hook(port, log):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            arrived = time.time()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with open(log, "a") as out:
                out.write("%.6f %s\n" % (arrived, body.decode("utf-8", "replace").replace("\n", " ")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


def summary(folder):
    samples = []
    with open(os.path.join(folder, "samples.tsv")) as lines:
        header = next(lines).split()
        for line in lines:
            samples.append(dict(zip(header, line.split())))
    duration = float(samples[-1]["elapsed"]) if samples else 0
    warm = [s for s in samples if float(s["elapsed"]) >= 20]
    def column(name):
        return [float(s[name]) for s in warm if s[name] not in ("-", "nan")]
    rates = column("events_per_s")
    lags = column("lag_s")
    first, last = samples[0], samples[-1]
    stored = float(last["events"]) - float(first["events"])
    spent = float(last["elapsed"]) - float(first["elapsed"])
    print("run: %.0f s" % duration)
    if spent > 0:
        print("sustained: %.0f events/s received and written (%d events in %.0f s)" % (stored / spent, stored, spent))
    if rates:
        print("rate over 10 s windows: median %.0f, min %.0f events/s" % (statistics.median(rates), min(rates)))
    if lags:
        print("lag: median %.2f s, max %.2f s" % (statistics.median(lags), max(lags)))
    for name, label in (("rss_mb", "listener memory (RSS)"), ("anon_mb", "  of which anonymous (heap, page caches)"),
                        ("file_mb", "  of which file-backed (mapped store pages)")):
        values = column(name) if name in header else []
        if values:
            third = max(1, len(values) // 3)
            last = values[-third:]
            print("%s: first third median %.0f MB, last third median %.0f MB (from %.0f to %.0f, range %.0f-%.0f), max %.0f MB"
                  % (label, statistics.median(values[:third]), statistics.median(last), last[0], last[-1],
                     min(last), max(last), max(values)))
    cpu_file = os.path.join(folder, "cpu.txt")
    if os.path.exists(cpu_file):
        fields = open(cpu_file).read().split()
        values = dict(zip(fields[::2], (float(v) for v in fields[1::2])))
        wall = values.get("wall_s", 0) or 1
        print("CPU: listener %.0f%% of one core, replay server %.0f%% (over %.0f s)"
              % (100 * values.get("listener_cpu_s", 0) / wall, 100 * values.get("replay_cpu_s", 0) / wall, wall))
    hooks = os.path.join(folder, "hooks.log")
    start_file = os.path.join(folder, "surge-start")
    if os.path.exists(hooks) and os.path.exists(start_file):
        surge_start = float(open(start_file).read().strip()) / 1e6
        for line in open(hooks):
            arrived, body = line.split(" ", 1)
            payload = json.loads(body)
            if payload.get("rule") == "surge-spike":
                print("alert latency: %.1f s from the surge's first event to the webhook (rule %s, %s)"
                      % (float(arrived) - surge_start, payload["rule"], payload.get("summary", "")))
                authenticity = payload.get("authenticity")
                if authenticity:
                    print("authenticity: " + json.dumps(authenticity)[:400])
                break
        else:
            print("alert latency: no surge-spike alert reached the webhook")
    deletions(folder)


def deletions(folder):
    """Platform delete → erasure: the replay plays account event k at start + k s (rate 1); the
    listener erases the accounts one after the other, so the k-th receipt is the k-th event's."""
    start_file = os.path.join(folder, "deletions-start")
    if not os.path.exists(start_file) or not open(start_file).read().strip():
        return
    import sqlite3
    start = float(open(start_file).read().strip()) / 1e6
    database = sqlite3.connect("file:%s?mode=ro" % os.path.join(folder, "vigie.sqlite"), uri=True)
    erased = [row[0] / 1000 for row in database.execute(
        "SELECT erased_at FROM erasure_receipt WHERE actor = 'platform' ORDER BY id")]
    left = database.execute("SELECT COUNT(*) FROM post WHERE text LIKE 'Sortie à vélo numéro %'").fetchone()[0]
    if not erased:
        print("platform deletions: no erasure receipt (%d posts of the deleted accounts left)" % left)
        return
    # A reconnection replays the last seconds (at-least-once): a deletion delivered again
    # erases the account row it wrote again, with a receipt of its own, after the first GONE.
    delays = [at - (start + number) for number, at in enumerate(erased[:GONE])]
    print("platform delete to erasure: median %.2f s, max %.2f s over %d of %d account deletions (30 posts each); "
          "%d of their posts left; %d receipts for deletions delivered again after a reconnection"
          % (statistics.median(delays), max(delays), len(delays), GONE, left, max(0, len(erased) - GONE)))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "surge":
        surge(sys.argv[2])
    elif command == "hook":
        hook(int(sys.argv[2]), sys.argv[3])
    elif command == "summary":
        summary(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(2)
