"""Checks a multi-worker server started by tools/demo.sh (tools/fault/workers_test.sh).

    python tools/fault/workers_test.py --log FILE --database DB --port P --gevent-port G

``FILE`` is the output of ``tools/demo.sh --workers=2 --max-cron-threads=1
--gevent-port=G``. It waits for the server, then checks: the master, its two
HTTP workers and its cron worker are running (the master their parent);
/web/login answers 200; a JSON-RPC login as admin and calls of the
dashboard's ``get_dashboard_data`` succeed, several at once, served by both
HTTP workers (the pid in each request's log line); the answer page of the
demo interactive email that demo.sh printed answers 200; the websocket
(evented) port answers its health check and upgrades a websocket handshake
(101). The last line on stdout is one JSON object of figures; the exit
status is 1 on any failed check.
"""

import argparse
import base64
import json
import os
import re
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests

CALLS = 12
READY_TIMEOUT_S = 360


def log_text(path):
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()


def wait_ready(args):
    """Seconds until /web/login answers, or None."""
    start = time.monotonic()
    url = f"http://localhost:{args.port}/web/login"
    while time.monotonic() - start < READY_TIMEOUT_S:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return time.monotonic() - start
        except requests.RequestException:
            pass
        if re.search(r"^dso_collection: ", log_text(args.log), re.MULTILINE):
            return None  # demo.sh died with its message
        time.sleep(2)
    return None


def parent_of(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as file:
            for line in file:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def processes(text):
    """The server's processes from its log: master, HTTP and cron workers,
    the evented (websocket) server; each with whether it runs and its parent."""
    found = {
        "http_workers": sorted(
            set(map(int, re.findall(r"Worker WorkerHTTP \((\d+)\) alive", text)))
        ),
        "cron_workers": sorted(
            set(map(int, re.findall(r"Worker WorkerCron \((\d+)\) alive", text)))
        ),
    }
    master = re.findall(r" (\d+) INFO \S+ odoo\.service\.server: HTTP service", text)
    evented = re.findall(
        r" (\d+) INFO \S+ odoo\.service\.server: Evented Service", text
    )
    found["master"] = int(master[-1]) if master else None
    found["evented"] = int(evented[-1]) if evented else None
    children = found["http_workers"] + found["cron_workers"] + [found["evented"]]
    found["children_of_master"] = sum(
        1 for pid in children if pid and parent_of(pid) == found["master"]
    )
    found["master_running"] = bool(found["master"]) and os.path.exists(
        f"/proc/{found['master']}"
    )
    return found


def rpc_calls(args):
    """Log in as admin through JSON-RPC, then call the dashboard ``CALLS``
    times, four at once. Returns (ok calls, errors)."""
    base = f"http://localhost:{args.port}"
    session = requests.Session()
    login = session.post(
        f"{base}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"db": args.database, "login": "admin", "password": "admin"},
        },
        timeout=60,
    ).json()
    if "error" in login or not login.get("result", {}).get("uid"):
        return 0, [f"login: {login.get('error')}"]
    cookies = session.cookies.get_dict()

    def call(number):
        response = requests.post(
            f"{base}/web/dataset/call_kw/dso.collection.dashboard/get_dashboard_data",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": number,
                "params": {
                    "model": "dso.collection.dashboard",
                    "method": "get_dashboard_data",
                    "args": [],
                    "kwargs": {},
                },
            },
            cookies=cookies,
            timeout=120,
        )
        body = response.json()
        if response.status_code != 200 or "error" in body:
            return f"call {number}: {response.status_code} {body.get('error')}"
        if not isinstance(body.get("result"), dict):
            return f"call {number}: unexpected result"
        return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(call, range(CALLS)))
    errors = [result for result in results if result]
    return CALLS - len(errors), errors


def websocket_checks(args):
    """The evented port: its health check, and a websocket handshake."""
    try:
        health = requests.get(
            f"http://localhost:{args.gevent_port}/websocket/health", timeout=10
        ).status_code
    except requests.RequestException as error:
        return None, f"no answer: {type(error).__name__}"
    key = base64.b64encode(os.urandom(16)).decode()
    host = f"localhost:{args.gevent_port}"
    handshake = (
        "GET /websocket HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Origin: http://{host}\r\n\r\n"
    )
    try:
        with socket.create_connection(
            ("localhost", args.gevent_port), timeout=10
        ) as sock:
            sock.sendall(handshake.encode())
            answer = sock.recv(4096)
    except OSError as error:
        return health, f"no answer: {error}"
    return health, answer.split(b"\r\n", 1)[0].decode(errors="replace")


def process_checks(args):
    """The master and its four children (2 HTTP workers, 1 cron worker, the
    evented server), which start after the first answer: waits up to 90 s."""
    deadline = time.monotonic() + 90
    while True:
        found = processes(log_text(args.log))
        if found["children_of_master"] == 4 or time.monotonic() > deadline:
            break
        time.sleep(2)
    failures = []
    if not found["master_running"]:
        failures.append("no running master process")
    if len(found["http_workers"]) != 2:
        failures.append(f"{len(found['http_workers'])} HTTP workers, 2 wanted")
    if len(found["cron_workers"]) != 1:
        failures.append(f"{len(found['cron_workers'])} cron workers, 1 wanted")
    if not found["evented"]:
        failures.append("no evented (websocket) server")
    if found["children_of_master"] != 4:
        failures.append(
            f"{found['children_of_master']} of 4 workers run under the master"
        )
    return found, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--log", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--gevent-port", type=int, required=True)
    args = parser.parse_args()
    failures = []
    ready_s = wait_ready(args)
    if ready_s is None:
        print(json.dumps({"ready": False, "violations": ["the server did not start"]}))
        return 1
    found, process_failures = process_checks(args)
    failures += process_failures

    login_status = requests.get(
        f"http://localhost:{args.port}/web/login", timeout=30
    ).status_code
    if login_status != 200:
        failures.append(f"/web/login answered {login_status}")
    ok_calls, errors = rpc_calls(args)
    failures += errors
    time.sleep(1)  # the request log lines
    text = log_text(args.log)
    served_by = sorted(
        set(
            map(
                int,
                re.findall(
                    r" (\d+) INFO \S+ werkzeug: .*get_dashboard_data HTTP/1\.\d\" 200",
                    text,
                ),
            )
        )
    )
    if len(served_by) < 2:
        failures.append(f"the dashboard calls were served by {served_by} only")
    links = re.findall(
        r"Customer answer page of the demo interactive email: (\S+)", text
    )
    answer_status = requests.get(links[-1], timeout=60).status_code if links else None
    if answer_status != 200:
        failures.append(f"the answer page {links[-1:]} answered {answer_status}")
    health_status, upgrade = websocket_checks(args)
    if health_status != 200:
        failures.append(f"/websocket/health answered {health_status}")
        if "distribution was not found and is required" in text:
            failures.append(
                "the websocket (gevent) server did not start: the log says "
                + re.findall(r"The '\S+' distribution was not found[^\n]*", text)[0]
            )
    if " 101 " not in f"{upgrade} ":
        failures.append(f"websocket handshake answered {upgrade!r}")
    print(
        json.dumps(
            {
                "ready_s": round(ready_s, 1),
                **found,
                "login_page": login_status,
                "rpc_calls_ok": ok_calls,
                "rpc_calls": CALLS,
                "served_by_workers": served_by,
                "answer_page": answer_status,
                "websocket_health": health_status,
                "websocket_handshake": upgrade,
                "violations": failures,
            }
        ),
        flush=True,
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
