"""The production server profile on a loopback port, for the load bench and the crash harness.

What ``scripts/serve.sh`` runs, with ``DJANGO_SETTINGS_MODULE=govhall.conf.production``: granian
(WSGI, ``--blocking-threads 8``), ``govhall db_worker`` and ``govhall outbox-dispatch --loop``.
The production profile refuses the public development keys, so every run makes its own
(``production_environment``); SMS go to a loopback gateway that records them (``SmsGateway``).
Each service runs in its own session (process group), so ``Service.kill()`` SIGKILLs granian's
supervisor and its worker at once, as a machine or container crash would.

Databases are PostgreSQL only, created fresh under a name of the caller's (never ``test`` or
``postgres``): ``fresh_database``. Server from ``BENCH_PG_HOST`` / ``_PORT`` / ``_USER``.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
#: Databases no harness may drop: the CI test database, the maintenance ones, the benches'.
PROTECTED_DATABASES = frozenset({"test", "postgres", "template0", "template1", "govhall_bench"})
READY_PATH = "/api/v1/calendar/working-days/add?start=2026-01-05&days=1"


def postgres_server() -> tuple[str, str, str]:
    """Host, port and user of the PostgreSQL server (the benches' variables)."""
    return (
        os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
        os.environ.get("BENCH_PG_PORT", "5432"),
        os.environ.get("BENCH_PG_USER", "postgres"),
    )


def fresh_database(name: str) -> str:
    """Drop and create ``name`` (UTF-8, from template0); returns its ``DATABASE_URL``."""
    if name in PROTECTED_DATABASES or not name.replace("_", "").isalnum():
        raise ValueError(f"refusing to recreate the database {name!r}")
    import psycopg

    host, port, user = postgres_server()
    with psycopg.connect(
        host=host, port=port, user=user, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # As `createdb -E UTF8 -T template0`: the server's UTF-8 locale (DESIGN.md).
        connection.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    return f"postgres://{user}@{host}:{port}/{name}"


def database_restart(name: str) -> int:
    """What govhall's processes see when PostgreSQL restarts: every connection to ``name`` is
    terminated by the server (SQLSTATE 57P01, mid-query or idle). The server itself is shared
    with others on this machine and keeps running. Returns how many backends were ended."""
    if name in PROTECTED_DATABASES:
        raise ValueError(f"refusing to disconnect the database {name!r}")
    import psycopg

    host, port, user = postgres_server()
    with psycopg.connect(
        host=host, port=port, user=user, dbname="postgres", autocommit=True
    ) as connection:
        ended = connection.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()
    return int(ended[0]) if ended else 0


def _oidc_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def production_environment(
    *, database_url: str, data_dir: Path, sms_url: str, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of ``govhall.conf.production`` with keys made for this run only."""
    # STATIC_ROOT: whitenoise warns at every start when it is missing (collectstatic fills it).
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    oidc_key = data_dir / "oidc-key.pem"
    if not oidc_key.exists():
        oidc_key.write_text(_oidc_key_pem())
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GOVHALL_", "DJANGO_", "SECURE_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "govhall.conf.production",
            "DATABASE_URL": database_url,
            "GOVHALL_DATA_DIR": str(data_dir),
            "SECRET_KEY": secrets.token_urlsafe(48),
            "GOVHALL_PERSONAL_DATA_KEYS": f"run:{secrets.token_hex(16)}",
            "GOVHALL_PERSONAL_DATA_KEY_ID": "run",
            "GOVHALL_BLIND_INDEX_KEY": secrets.token_hex(32),
            "GOVHALL_OIDC_PRIVATE_KEY_FILE": str(oidc_key),
            "GOVHALL_OIDC_PAIRWISE_KEY": secrets.token_hex(32),
            "GOVHALL_SEAL_KEY_PASSPHRASE": secrets.token_urlsafe(32),
            "GOVHALL_SMS_BACKEND": "http",
            "GOVHALL_SMS_HTTP_URL": sms_url,
            "GOVHALL_SMS_HTTP_KEY": "loopback",
            # Plain HTTP on loopback: no TLS in front, as nginx would provide.
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run ``govhall ARGS`` in the production environment; its output (raises on failure)."""
    result = subprocess.run(
        [str(BIN / "govhall"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"govhall {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def granian_command(port: int, *, workers: int = 1, blocking_threads: int = 8) -> list[str]:
    """The server of scripts/serve.sh, on a loopback port."""
    return [
        str(BIN / "granian"), "--interface", "wsgi", "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(blocking_threads),
        "--no-access-log", "--log-level", "warning", "govhall.wsgi:application",
    ]  # fmt: skip


@dataclass
class Service:
    """A long-running process of the profile, in its own process group."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0

    def start(self) -> None:
        with self.log.open("ab") as handle:
            handle.write(f"\n--- start {self.starts + 1} at {time.time():.3f}\n".encode())
            handle.flush()
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=ROOT,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up, no finishing the request."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM the group and wait; SIGKILL what is left after ``timeout``."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        # Workers of the group that outlived their parent.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


def wait_ready(service: Service, port: int, timeout: float = 90) -> float:
    """Poll the server until it answers 200; returns the seconds it took."""
    import http.client

    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if not service.running:
            raise RuntimeError(f"{service.name} exited; see {service.log}")
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", READY_PATH)
            if connection.getresponse().status == 200:
                return time.monotonic() - began
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    raise RuntimeError(f"{service.name} did not answer within {timeout} s; see {service.log}")


@dataclass
class SmsGateway:
    """A loopback SMS gateway (the ``http`` backend's protocol) that records every message."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://{HOST}:{self._server.server_address[1]}/sms"

    def start(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                gateway.messages.append(body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
