"""Filings per second through the JSON API against a trivial endpoint of the same app.

Run with ``python bench/filing.py`` (``--quick`` for a short run). It prepares a migrated
database in a temporary folder, registers an integrator client (rate limit out of the
way), uploads one bank book copy and signs one realistic child allowance claim with a demo
persona's card, then starts the app under gunicorn (the same workers and settings for
both runs) and, from the same number of client processes, measures:

(a) requests per second of ``GET /healthz``;
(b) complete filings per second: ``POST /api/v1/applications`` with a bearer token, a
    fresh Idempotency-Key each, the claim validated, its signature verified and the case
    persisted with its event (and any outbox rows the definition declares);

and prints both, the ratio b/a (target: at least 0.30), and what the database holds
afterwards. The two are measured in alternating short runs, so a burst of load on a
shared machine affects both alike. ``--database-url`` runs it on PostgreSQL (in a
temporary schema) instead of SQLite.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing as mp
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from adapters.mock.world import shared_world  # noqa: E402
from adapters.signatures import canonical_bytes  # noqa: E402
from engine import api_clients  # noqa: E402
from engine.config import load_settings  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from web.demo import person_data  # noqa: E402

PROCEDURE = "jidou-teate-nintei"
PERSONA = "newborn_family"
ROUNDS = 3
PDF = b"%PDF-1.4\n" + b"% bank book copy\n" * 3000 + b"%%EOF\n"


def fresh_schema(url: str) -> tuple[str, str]:
    """A URL whose search_path is a new, empty PostgreSQL schema (dropped afterwards)."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), schema


def drop_schema(url: str, schema: str) -> None:
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str]) -> tuple[str, str]:
    """Migrate, register the bench client; returns its id and secret."""
    settings = load_settings(env)
    upgrade(settings.database_url)
    eng = make_engine(settings.database_url)
    with Session(eng) as s:
        client, secret = api_clients.create_client(
            s,
            "bench",
            "integrator",
            sorted(api_clients.KIND_SCOPES["integrator"]),
            rate_limit="1000000/minute",
        )
        s.commit()
        client_id = client.id
    eng.dispose()
    assert secret is not None
    return client_id, secret


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.connect()
        # As urllib3 and httpx do: without it the body waits for the ACK of the headers
        # (Nagle's algorithm against delayed ACKs), a stall that has nothing to do with the app.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def token(port: int, client_id: str, secret: str) -> str:
    auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    status, body = request(
        port,
        "POST",
        "/api/v1/oauth/token",
        b"grant_type=client_credentials",
        {"Authorization": f"Basic {auth}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 200, body
    return str(json.loads(body)["access_token"])


def upload(port: int, bearer: str) -> str:
    boundary = uuid.uuid4().hex
    part = f'--{boundary}\r\nContent-Disposition: form-data; name="{{}}"\r\n\r\n{{}}\r\n'
    parts = [
        part.format("procedure_id", PROCEDURE),
        part.format("field", "bank_book_copy"),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bankbook.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n",
    ]
    body = "".join(parts).encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
    status, reply = request(
        port,
        "POST",
        "/api/v1/uploads",
        body,
        {
            "Authorization": f"Bearer {bearer}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert status == 201, reply
    return str(json.loads(reply)["id"])


def filing_body(upload_id: str) -> bytes:
    """A realistic claim (two children, a bank account, the bank book copy), signed."""
    world = shared_world()
    persona = world.population.persona(PERSONA)
    data = person_data(PROCEDURE, world.population.resident(persona.resident_number))
    data.pop("bank_book_copy", None)
    sig = world.card_reader.sign(
        persona.resident_number, canonical_bytes(data), persona.signing_password
    )
    body = {
        "procedure_id": PROCEDURE,
        "data": data,
        "attachments": {"bank_book_copy": [upload_id]},
        "signature": {
            "value": base64.b64encode(sig.value).decode("ascii"),
            "certificate_pem": sig.certificate_pem,
        },
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _load(args: tuple[int, str, float, str, bytes, int]) -> tuple[int, int]:
    port, path, seconds, bearer, body, expect = args
    done = failed = 0
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    if body:
        headers["Content-Type"] = "application/json"
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if body:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        status, reply = request(port, "POST" if body else "GET", path, body or None, headers)
        if status == expect:
            done += 1
        else:
            if not failed:
                print(f"unexpected {status} from {path}: {reply[:300]!r}", file=sys.stderr)
            failed += 1
    return done, failed


def measure(
    port: int,
    clients: int,
    seconds: float,
    path: str,
    bearer: str = "",
    body: bytes = b"",
    expect: int = 200,
) -> tuple[float, int]:
    with mp.get_context("fork").Pool(clients) as pool:
        start = time.perf_counter()
        results = pool.map(_load, [(port, path, seconds, bearer, body, expect)] * clients)
        elapsed = time.perf_counter() - start
    done = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    return done / elapsed, failed


def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited; see its output above")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument(
        "--clients", type=int, default=0, help="client processes (default 2 per worker)"
    )
    parser.add_argument("--seconds", type=float, default=0, help="length of each run")
    parser.add_argument("--database-url", default="", help="e.g. a PostgreSQL URL (default SQLite)")
    args = parser.parse_args()
    seconds = args.seconds or (3.0 if args.quick else 15.0)
    clients = args.clients or 2 * args.workers
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
            "MADOGUCHI_DATA_DIR": str(Path(tmp) / "data"),
            "MADOGUCHI_WORKER": "0",
        }
        schema = None
        if args.database_url:
            env["MADOGUCHI_DATABASE_URL"], schema = fresh_schema(args.database_url)
        client_id, secret = prepare(env)
        port = free_port()
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "web.wsgi:app",
        ]
        # Our own command line, not user input.
        proc = subprocess.Popen(gunicorn, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
        try:
            wait_ready(port, proc)
            bearer = token(port, client_id, secret)
            body = filing_body(upload(port, bearer))
            print(
                f"gunicorn: {args.workers} sync workers; {clients} client processes; "
                f"{seconds:.0f} s per run; database: {args.database_url or 'SQLite'}"
            )
            print(
                f"filing body: {len(body)} bytes (signed child allowance claim, 2 children, "
                "bank account, 1 attachment)"
            )
            measure(port, clients, min(2.0, seconds), "/healthz")  # warm up both paths
            measure(port, clients, min(2.0, seconds), "/api/v1/applications", bearer, body, 201)
            # Interleave short runs of both, so a burst of load on a shared machine
            # affects them alike.
            t_done = t_time = f_done = f_time = 0.0
            t_failed = f_failed = 0
            part = seconds / ROUNDS
            for _ in range(ROUNDS):
                rate, failed = measure(port, clients, part, "/healthz")
                t_done, t_time, t_failed = t_done + rate * part, t_time + part, t_failed + failed
                rate, failed = measure(
                    port, clients, part, "/api/v1/applications", bearer, body, 201
                )
                f_done, f_time, f_failed = f_done + rate * part, f_time + part, f_failed + failed
            trivial, filings = t_done / t_time, f_done / f_time
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        print(f"(a) GET /healthz requests/s            : {trivial:8.1f}  (failed {t_failed})")
        print(f"(b) POST /api/v1/applications filings/s : {filings:8.1f}  (failed {f_failed})")
        print(
            f"ratio b/a                              : {filings / trivial:8.3f}   (target >= 0.30)"
        )
        eng = make_engine(load_settings(env).database_url)
        with eng.connect() as conn:
            counts = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("cases", "case_events", "outbox")
            }
        eng.dispose()
        print("in the database: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
        if schema is not None:
            drop_schema(args.database_url, schema)


if __name__ == "__main__":
    main()
