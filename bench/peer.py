"""ConfJournal against a live pretalx, measured in one interleaved loop (`make bench`).

Both servers run under gunicorn on this machine at the same time (scripts/bench starts
them). For each pair of pages, a round asks pretalx for its page, then ConfJournal for
its own, again and again, so that whatever else the machine does weighs on both alike.
Two figures per page: the wall time a client waits (median), and the server CPU a
request costs: the CPU time the server's worker processes used over all the rounds
(/proc/<pid>/task/*/stat, user + system), divided by the rounds. A page that lists
people is also divided by the number it lists, so that pretalx's whole speaker list and
ConfJournal's first page of speakers compare per speaker shown.

ConfJournal keeps an event page's talks and its speaker list in its cache until a talk is
written; a pair may name an SQL statement to run on ConfJournal's SQLite file
(OURS_SQLITE) before each of its requests, such as a no-op UPDATE of a talk, which its
triggers count as a write (any SQLite client may write to the journal), so that the
talks are read and drawn each time.

    python bench/peer.py OUTPUT.json ROUNDS PEER_URL PEER_MASTER_PID OURS_URL OURS_MASTER_PID
        < pairs (a line each, tab-separated: name, peer path, our path, a regex for each
           side whose distinct matches count the items a page lists, or "-", and
           optionally the SQL to run before each of our requests)
"""

import json
import os
import re
import sqlite3
import statistics
import sys
import time
import urllib.request

TICK = os.sysconf("SC_CLK_TCK")


def workers(master):
    """The worker processes of a gunicorn master: the processes whose parent it is."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except OSError:  # gone meanwhile
            continue
        if parent == master:
            found.append(int(pid))
    return found


def cpu_seconds(pids):
    """User + system CPU time of every thread of `pids`, in seconds."""
    ticks = 0
    for pid in pids:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / TICK


def fetch(url):
    began = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - http://127.0.0.1
        body = response.read()
        assert response.status == 200, (url, response.status)
    return time.perf_counter() - began, body.decode("utf-8", "replace")


def writer(sql):
    """A function that runs `sql` on ConfJournal's SQLite file and commits."""
    connection = sqlite3.connect(os.environ["OURS_SQLITE"], isolation_level=None, timeout=30)
    return lambda: connection.execute(sql)


def main(output, rounds, peer_url, peer_master, ours_url, ours_master):
    servers = {
        "peer": (peer_url, workers(peer_master)),
        "ours": (ours_url, workers(ours_master)),
    }
    pairs = [line.split("\t") for line in sys.stdin.read().splitlines() if line.strip()]
    rows = []
    for name, peer_path, our_path, peer_pattern, our_pattern, *write in pairs:
        patterns = {"peer": peer_pattern, "ours": our_pattern}
        paths = {"peer": peer_path, "ours": our_path}
        before = {"ours": writer(write[0])} if write else {}
        for side, (base, _pids) in servers.items():  # every worker has served it once
            for _ in range(4):
                before.get(side, lambda: None)()
                fetch(base + paths[side])
        walls = {"peer": [], "ours": []}
        cpu = dict.fromkeys(walls, 0.0)
        items = {}
        for _ in range(rounds):
            for side, (base, pids) in servers.items():
                before.get(side, lambda: None)()  # not timed, and not the server's CPU
                started = cpu_seconds(pids)
                wall, body = fetch(base + paths[side])
                cpu[side] += cpu_seconds(pids) - started
                walls[side].append(wall)
                if patterns[side] != "-":
                    items[side] = len(set(re.findall(patterns[side], body)))
        row = {"page": name, "peer_path": peer_path, "our_path": our_path, "rounds": rounds}
        for side in walls:
            row[f"{side}_wall_ms"] = round(statistics.median(walls[side]) * 1000, 1)
            row[f"{side}_cpu_ms"] = round(cpu[side] / rounds * 1000, 1)
            if items:
                row[f"{side}_items"] = items[side]
        row["x_by_cpu"] = round(row["peer_cpu_ms"] / max(row["ours_cpu_ms"], 0.1), 1)
        row["x_by_wall"] = round(row["peer_wall_ms"] / row["ours_wall_ms"], 1)
        if items:
            per = {s: row[f"{s}_cpu_ms"] / max(items[s], 1) for s in walls}
            row["x_by_cpu_per_item"] = round(per["peer"] / max(per["ours"], 0.001), 1)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    with open(output, "w") as out:
        json.dump({"rows": rows}, out, indent=2)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], int(args[1]), args[2], int(args[3]), args[4], int(args[5]))
