"""Kiosks and windows of the load hall (resources/demo/load-hall.json) for the take-over
benchmarks (bench/run-takeover, bench/run-db-failover): each client one request at a time on a
keep-alive connection, trying again a few milliseconds later when no server answers, as the
real devices do. Every acknowledged ticket is kept with the moments its request left and its
reply arrived."""

import http.client
import json
import threading
import time

PASSWORD = "load-pass-2026"


def request(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = conn.getresponse()
    return r.status, json.loads(r.read() or b"{}")


def login(port, user):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    return request(c, "POST", "/api/v1/auth/login", {"login": user, "password": PASSWORD})[1]["token"]


class Load:
    def __init__(self, port, kiosks=4, windows=(1, 2)):
        self.port = port
        self.kiosk, self.caller = login(port, "load-kiosk"), login(port, "load-caller")
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for w in windows:
            request(c, "POST", f"/api/v1/halls/load/windows/{w}/login", {"officer": f"load-officer0{w}"}, self.caller)
        self.lock = threading.Lock()
        self.issued = {}  # ticket id → number
        self.acks = []    # (sent, acknowledged) in time.monotonic() of each acknowledged ticket
        self.stopped = False
        self.threads = [threading.Thread(target=self._run, args=(self._issue, k)) for k in range(kiosks)]
        self.threads += [threading.Thread(target=self._run, args=(self._call, w)) for w in windows]

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopped = True
        for t in self.threads:
            t.join()

    def acked_after(self, moment):
        """When the tickets asked for after `moment` were acknowledged (a reply already on its way
        from a server that has just died does not count)."""
        with self.lock:
            return [acked for sent, acked in self.acks if sent > moment]

    def _issue(self, conn, k):
        return request(conn, "POST", "/api/v1/halls/load/tickets", {"business": "B0%d" % (k % 2)}, self.kiosk)

    def _call(self, conn, w):
        return request(conn, "POST", f"/api/v1/halls/load/windows/{w}/call-next", {}, self.caller)

    def _run(self, op, n):
        conn = None
        while not self.stopped:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                sent = time.monotonic()
                status, body = op(conn, n)
            except (OSError, http.client.HTTPException):
                conn = None
                time.sleep(0.002)
                continue
            if status >= 500:
                time.sleep(0.002)
            elif status == 201:
                with self.lock:
                    t = body["ticket"]
                    self.issued[t["id"]] = t["number"]
                    self.acks.append((sent, time.monotonic()))

    def check(self):
        """Numbers acknowledged twice, and acknowledged tickets missing from the server's answer."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        tickets = request(c, "GET", "/api/v1/halls/load/tickets", None, login(self.port, "load-super"))[1]["tickets"]
        stored = {t["id"]: t["number"] for t in tickets}
        return {"numbers_twice": len(self.issued) - len(set(self.issued.values())),
                "lost": sum(1 for i, n in self.issued.items() if stored.get(i) != n)}
