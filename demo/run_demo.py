#!/usr/bin/env python3
"""Replays a recorded packing shift through the real stationd.

Starts the ZPL printer emulator on a loopback port, opens a pty pair that plays the serial
scanner, starts stationd on the demo config, types every scan of demo/scans.txt into the pty
as a scanner would (bytes followed by CR), waits until every scan is decided and every label
printed, stops the daemon, and prints what happened. The store, the daemon log and the
received labels stay under var/demo/ for inspection.
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

TOKENS = {"<GS>": b"\x1d", "<RS>": b"\x1e", "<EOT>": b"\x04"}


def read_scans(path):
    """Returns the scans of a scan file as bytes, with the <GS>/<RS>/<EOT> tokens replaced."""
    scans = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        data = line.encode("utf-8")
        for token, byte in TOKENS.items():
            data = data.replace(token.encode(), byte)
        scans.append(data)
    return scans


def printable(data):
    text = data.decode("utf-8", errors="backslashreplace")
    return text.replace("\x1d", "<GS>").replace("\x1e", "<RS>").replace("\x04", "<EOT>")


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    sys.exit(f"demo: timed out after {timeout} s waiting for {what}; see var/demo/stationd.log")


def query(store, sql, parameters=()):
    uri = f"file:{store}?mode=ro"
    with sqlite3.connect(uri, uri=True, timeout=5) as connection:
        return connection.execute(sql, parameters).fetchall()


def count(store, sql):
    if not store.exists():
        return -1
    try:
        return query(store, sql)[0][0]
    except sqlite3.OperationalError:
        return -1


def write_config(template, target, device, port):
    text = template.read_text(encoding="utf-8")
    text = text.replace('device = "/dev/ttyACM0"', f'device = "{device}"')
    text = text.replace("port = 9100", f"port = {port}")
    text = text.replace('[station]\n', '[station]\nstate_dir = "state"\n', 1)
    target.write_text(text, encoding="utf-8")


def drop_orders(source, drop_dir):
    """Copies order files the way an order system should: write under a temporary name, then
    rename, so the daemon never reads half a file."""
    drop_dir.mkdir(parents=True, exist_ok=True)
    for order in sorted(source.glob("*.json")):
        temporary = drop_dir / (order.name + ".tmp")
        shutil.copyfile(order, temporary)
        os.replace(temporary, drop_dir / order.name)


def api_get(base, path):
    # The API is on loopback: never route it through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(base + path, timeout=5) as response:
        return response.read().decode("utf-8")


def show_api(log_file):
    """Asks the running daemon's local API what the operator page and integrators see."""
    found = re.search(r"API listening on (http://127\.0\.0\.1:\d+)/",
                      log_file.read_text(encoding="utf-8"))
    if not found:
        print("The daemon did not log its API address; see", log_file)
        return
    base = found.group(1)
    status = json.loads(api_get(base, "/api/v1/status"))
    print(f"Local API and operator page at {base}/ while the daemon runs:")
    decision = status["last_decision"] or {}
    print(f"  GET /api/v1/status: printer {status['printer']['state']}, last decision "
          f"{decision.get('outcome')} {decision.get('reason') or ''}".rstrip())
    recall = json.loads(api_get(base, "/api/v1/links?lot=23A17"))
    orders = sorted({link["order"] for link in recall})
    print(f"  GET /api/v1/links?lot=23A17: {len(recall)} unit(s) in {', '.join(orders)}")
    for line in api_get(base, "/metrics").splitlines():
        if line.startswith("stationd_scans_total{"):
            print(f"  /metrics {line}")
    print()


def run_demo(root, build):
    work = root / "var" / "demo"
    shutil.rmtree(work, ignore_errors=True)
    (work / "printer").mkdir(parents=True)
    state = work / "state"
    store = state / "station.db"

    emulator = subprocess.Popen(
        [build / "print" / "zpl-printer-emulator", "--port", "0", "--output", work / "printer"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(work / "emulator.log", "w"),
        text=True)
    port = int(emulator.stdout.readline().strip())

    master, slave = os.openpty()
    device = os.ttyname(slave)
    config = work / "station.toml"
    write_config(root / "demo" / "demo.toml", config, device, port)
    drop_orders(root / "demo" / "orders", state / "orders")

    print(f"Printer emulator listening on 127.0.0.1:{port}")
    print(f"Serial scanner on pty {device}")
    daemon_log = open(work / "stationd.log", "w")
    daemon = subprocess.Popen([build / "station" / "stationd", "--config", config],
                              stdin=subprocess.DEVNULL, stderr=daemon_log, stdout=daemon_log)
    try:
        wait_for(lambda: count(store, "SELECT COUNT(*) FROM orders") >= 2, 20,
                 "the daemon to import the demo orders")
        scans = read_scans(root / "demo" / "scans.txt")
        print(f"Scanning {len(scans)} codes...\n")
        for scan in scans:
            os.write(master, scan + b"\r")
            time.sleep(0.15)
        wait_for(lambda: count(store, "SELECT COUNT(*) FROM scans") >= len(scans), 30,
                 "every scan to be decided")
        wait_for(lambda: count(store, "SELECT COUNT(*) FROM print_jobs WHERE state IN "
                                      "('queued', 'sending')") == 0, 30,
                 "every label to be printed")
        show_api(work / "stationd.log")
    finally:
        daemon.send_signal(signal.SIGINT)
        daemon.wait(timeout=20)
        emulator.stdin.write("quit\n")
        emulator.stdin.flush()
        emulator.wait(timeout=10)
        os.close(master)
        os.close(slave)

    report(root, build, work, store, config)


def report(root, build, work, store, config):
    print("Decisions, in scan order:")
    for outcome, reason, message, raw in query(
            store, "SELECT outcome, reason, message, raw FROM scans ORDER BY rowid"):
        label = outcome.upper() if outcome == "rejected" else outcome
        detail = f" [{reason}]" if reason else ""
        print(f"  {label:<14}{detail} {message}")
        if outcome == "rejected":
            print(f"  {'':<14} scanned: {printable(raw)}")

    stationctl = [build / "station" / "stationctl", "--config", config]
    for (order,) in query(store, "SELECT order_number FROM orders ORDER BY order_number"):
        print(f"\nUnits linked to {order}  (stationctl links --order {order}):")
        sys.stdout.flush()
        subprocess.run(stationctl + ["links", "--order", order], check=True)

    print("\nLabels printed:")
    for job_id, order, state, attempts in query(
            store, "SELECT job_id, order_number, state, attempts FROM print_jobs ORDER BY job_id"):
        print(f"  job {job_id}: carton label for {order}, {state} after {attempts} attempt(s)")
    labels = work / "printer" / "labels"
    received = sorted(p for p in labels.iterdir() if p.suffix == ".zpl") if labels.exists() else []
    print(f"  the printer emulator received {len(received)} label(s) in {labels}")

    print("\nRecall: which orders received lot 23A17?  (stationctl recall --lot 23A17)")
    sys.stdout.flush()
    subprocess.run(stationctl + ["recall", "--lot", "23A17"], check=True)

    print(f"\nThe store is {store}; the daemon log is {work / 'stationd.log'}.")
    print(f"Query it yourself:  {build / 'station' / 'stationctl'} --config {config} "
          "lookup serial SN0001")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", default="build", help="CMake build folder (default: build)")
    arguments = parser.parse_args()
    root = pathlib.Path(__file__).resolve().parent.parent
    run_demo(root, (root / arguments.build).resolve())


if __name__ == "__main__":
    main()
