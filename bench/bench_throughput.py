"""Requests per second of the public pages under granian, against a bare Django view.

Why: a county runs govhall on one small VM with one granian worker, so what one worker
serves per second decides how many people can read guides at once. The bare view
(``/bench/bare``, answering "ok" through the same middleware and URL resolver, see
``bench_urls.py``) is the ceiling of this machine and stack; every endpoint is reported as
a share of it. Target: the guide page reaches at least 50% of the bare view.

Endpoints: ``/bench/bare``, the guide page ``/items/<实施编码>/``, the API detail
``/api/v1/catalog/items/<实施编码>`` and the API search ``/api/v1/catalog/items?q=低保``.
The item is the first 低保 result, so it has a published guide with materials.

Load: ``wrk`` (1 thread, 4 keep-alive connections) when installed, else (or with
``BENCH_LOADER=python``) Python threads with ``http.client`` keep-alive; loopback only; per
endpoint a 2 s warm-up and an 8 s measured run, so no endpoint takes more than 10 s.
``BENCH_BLOCKING_THREADS=8`` adds granian's ``--blocking-threads 8`` as ``scripts/serve.sh``
does. The database is ``DATABASE_URL`` (default ``var/bench.sqlite3``), prepared like
``bench_search.py`` does (``BENCH_ITEMS`` items).
Run from the repository root:

    .venv/bin/python bench/bench_throughput.py
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import bench_search

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
GRANIAN = ROOT / ".venv" / "bin" / "granian"
HOST = "127.0.0.1"
WARMUP_SECONDS = 2
MEASURE_SECONDS = 8
CONNECTIONS = 4
STARTUP_TIMEOUT_SECONDS = 60
TARGET_GUIDE_SHARE = 0.5
SEARCH_WORD = "低保"

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d errors=%d non2xx=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""
WRK_LINE = re.compile(
    r"BENCH requests=(\d+) duration_us=(\d+) p50_us=(\d+) p95_us=(\d+) p99_us=(\d+) "
    r"errors=(\d+) non2xx=(\d+)"
)


@dataclass(slots=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def blocking_threads_args() -> list[str]:
    """``--blocking-threads N`` when BENCH_BLOCKING_THREADS is set (scripts/serve.sh uses 8)."""
    threads = os.environ.get("BENCH_BLOCKING_THREADS", "")
    return ["--blocking-threads", str(int(threads))] if threads else []


def start_server(port: int, database_url: str, log: Path) -> subprocess.Popen[bytes]:
    """granian, one WSGI worker, serving bench_wsgi (the project under bench settings)."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH")])),
            "LOG_LEVEL": "WARNING",
        }
    )
    command = [
        str(GRANIAN), "--interface", "wsgi", "--workers", "1", "--host", HOST,
        "--port", str(port), "--working-dir", str(BENCH_DIR), "--no-access-log",
        "--log-level", "warning", *blocking_threads_args(), "bench_wsgi:application",
    ]  # fmt: skip
    with log.open("wb") as handle:
        return subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)


def wait_ready(server: subprocess.Popen[bytes], port: int) -> None:
    """Poll /bench/bare until it answers 200, the server dies, or the time is up."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"granian exited with {server.returncode}")
        try:
            if get(port, "/bench/bare", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"granian did not answer within {STARTUP_TIMEOUT_SECONDS} s")


def load_wrk(url: str, seconds: int) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = [
            "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s",
            "-s", script.name, url,
        ]  # fmt: skip
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 30, check=True
        ).stdout
    finally:
        Path(script.name).unlink()
    match = WRK_LINE.search(output)
    if match is None:
        raise RuntimeError(f"unexpected wrk output: {output}")
    requests, duration_us, p50, p95, _p99, errors, non2xx = (int(g) for g in match.groups())
    return LoadResult(requests, duration_us / 1e6, p50 / 1000, p95 / 1000, errors + non2xx)


def load_python(port: int, path: str, seconds: int) -> LoadResult:
    """Fallback load: CONNECTIONS threads, each a keep-alive connection, until the deadline."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        mine: list[float] = []
        failed = 0
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=5)
                continue
            mine.append((time.perf_counter() - began) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 10)
    elapsed = time.monotonic() - began
    latencies.sort()
    p50 = bench_search.percentile(latencies, 50) if latencies else 0.0
    p95 = bench_search.percentile(latencies, 95) if latencies else 0.0
    return LoadResult(len(latencies), elapsed, p50, p95, errors[0])


def use_wrk() -> bool:
    """wrk when installed, unless BENCH_LOADER=python asks for the fallback."""
    return os.environ.get("BENCH_LOADER", "") != "python" and shutil.which("wrk") is not None


def measure(port: int, path: str) -> LoadResult:
    """A warm-up run, then the measured run."""
    if use_wrk():
        url = f"http://{HOST}:{port}{path}"
        load_wrk(url, WARMUP_SECONDS)
        return load_wrk(url, MEASURE_SECONDS)
    load_python(port, path, WARMUP_SECONDS)
    return load_python(port, path, MEASURE_SECONDS)


def pick_item() -> str:
    """The 实施编码 of the first 低保 result (a published guide with materials)."""
    from django.db import connection

    count, rows = bench_search.search_like_the_api(SEARCH_WORD)
    connection.close()
    if not count:
        raise RuntimeError(f"no item matches {SEARCH_WORD}")
    return str(rows[0]["implementation_code"])


def main() -> int:
    database_url = bench_search.setup_django()
    total = bench_search.ensure_items(bench_search.bench_items())
    code = pick_item()
    database = bench_search.database_label()
    from django.db import connection

    connection.close()
    endpoints = {
        "bare view": "/bench/bare",
        "guide page": f"/items/{code}/",
        "API item detail": f"/api/v1/catalog/items/{code}",
        "API search": f"/api/v1/catalog/items?q={quote(SEARCH_WORD)}",
    }
    port = free_port()
    log = Path(tempfile.gettempdir()) / f"govhall-bench-granian-{port}.log"
    server = start_server(port, database_url, log)
    results: dict[str, LoadResult] = {}
    try:
        wait_ready(server, port)
        print(f"machine:  {bench_search.machine_label()}")
        print(f"database: {database}, {total:,} implementation items")
        version = subprocess.run(
            [str(GRANIAN), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout.strip()
        extra = " ".join(blocking_threads_args())
        print(f"server:   {version} --interface wsgi --workers 1 {extra}, DEBUG off, port {port}")
        loader = "wrk -t1" if use_wrk() else "python threads"
        print(
            f"load:     {loader}, {CONNECTIONS} keep-alive connections, "
            f"{WARMUP_SECONDS} s warm-up + {MEASURE_SECONDS} s per endpoint"
        )
        print(f"item:     {code}")
        for name, path in endpoints.items():
            status, body = get(port, path)
            if status != 200:
                print(f"{name}: GET {path} -> {status}; not measured")
                continue
            results[name] = measure(port, path)
            print(f"  {name:<22} {path}  ({len(body):,} bytes)", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    print(f"after the run: {bench_search.load_label()}")
    bare = results.get("bare view")
    print(f"{'endpoint':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'vs bare':>9}")
    for name, result in results.items():
        share_label = f"{result.per_second / bare.per_second:.0%}" if bare else "-"
        print(
            f"{name:<24}{result.per_second:>9,.0f}{result.p50_ms:>9.2f}{result.p95_ms:>9.2f}"
            f"{result.errors:>8}{share_label:>9}"
        )
    guide = results.get("guide page")
    if bare is None or guide is None:
        print("target guide page >= 50% of bare: NOT measured (see the status above)")
        return 1
    share = guide.per_second / bare.per_second
    verdict = "met" if share >= TARGET_GUIDE_SHARE else "NOT met"
    print(f"target guide page >= {TARGET_GUIDE_SHARE:.0%} of bare: {verdict} ({share:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
