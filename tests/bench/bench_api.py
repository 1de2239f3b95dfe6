"""GET /api/v1/books on the 100,000-book demo library, served by waitress.

Figures: median and p95 latency of the first page and a deep page (one client, keep-
alive), then requests per second under 8 concurrent clients for the first page, beside
a bare hello-world route added to the same app on the same server in the same run.

    .venv/bin/python -m tests.bench.bench_api [--books 100000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SERVER = """
import sys
from waitress.server import create_server
from webapp import create_app
app = create_app({"DATA_DIR": sys.argv[1], "API_RATE_LIMIT": "1000000 per minute", "MODE": "server"})
app.add_url_rule("/bench/hello", "bench_hello", lambda: "Hello, world")
server = create_server(app, host="127.0.0.1", port=0, threads=8)
print(server.effective_port, flush=True)
server.run()
"""


def prepare(data_dir: Path, books: int) -> str:
    from webapp import create_app
    from webapp.api.keys import create_api_key
    from webapp.demo import generate_library
    from webapp.extensions import db
    from webapp.models import User
    from webapp.schema_upgrade import upgrade_with_backup

    app = create_app({"DATA_DIR": str(data_dir), "MODE": "server"})
    upgrade_with_backup(app)
    with app.app_context():
        started = time.perf_counter()
        generate_library(db.session, size=books)
        print(f"library of {books:,} books generated in {time.perf_counter() - started:.1f} s")
        user = db.session.scalar(db.select(User).where(User.username == "reader"))
        _row, key = create_api_key(user, "bench", ["read"])
        db.session.commit()
        db.engine.dispose()
    return key


def timed_gets(port: int, path: str, headers: dict[str, str], count: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return times


def throughput(port: int, path: str, headers: dict[str, str], clients: int, seconds: float) -> float:
    counts = [0] * clients
    stop = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < stop:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def summary(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[18]
    return f"median {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        key = prepare(data_dir, args.books)
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(data_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            port = int(server.stdout.readline())
            headers = {"X-API-Key": key}
            deep = args.books // 20
            timed_gets(port, "/api/v1/books?page=1", headers, 20)  # warm up
            hello = timed_gets(port, "/bench/hello", {}, args.requests)
            first = timed_gets(port, "/api/v1/books?page=1", headers, args.requests)
            last = timed_gets(port, f"/api/v1/books?page={deep}", headers, args.requests)
            print(f"one client, {args.requests} requests each (keep-alive):")
            print(f"  hello world                      {summary(hello)}")
            print(f"  GET /api/v1/books?page=1         {summary(first)}")
            print(f"  GET /api/v1/books?page={deep:<8} {summary(last)}")
            print(f"8 concurrent clients, {args.seconds:g} s each, waitress threads=8:")
            hello_rps = throughput(port, "/bench/hello", {}, 8, args.seconds)
            first_rps = throughput(port, "/api/v1/books?page=1", headers, 8, args.seconds)
            deep_rps = throughput(port, f"/api/v1/books?page={deep}", headers, 8, args.seconds)
            print(f"  hello world                      {hello_rps:8.0f} req/s")
            for label, rps in (("page=1", first_rps), (f"page={deep}", deep_rps)):
                print(f"  GET /api/v1/books?{label:<14} {rps:8.0f} req/s  ({rps / hello_rps:.1%} of hello)")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
