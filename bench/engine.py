"""Engine throughput against raw SQL on the same SQLite file settings, and memory growth.

Run with ``make bench`` (or ``python bench/engine.py [--quick]``). Prints:

(a) full engine transitions per second: ``fire`` with persistence, hash-chained audit
    event and an outbox row, one transaction each;
(b) raw SQL: the same number of insert+commit statements of an equivalent row pair
    (an event row and an outbox row) through sqlite3 with the same pragmas;
the ratio a/b (target: at least 0.25), and the resident memory after 10k and after 100k
transitions over 10k cases (target: the second within 1.2 times the first).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import yaml
from sqlalchemy import text
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.actors import Actor  # noqa: E402
from engine.cases import fire, submit  # noqa: E402
from engine.config import load_settings  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.runtime import Runtime, build_runtime  # noqa: E402
from procedures.samples import sample  # noqa: E402

DEPT = "子育て支援課"
REVIEWER = Actor.staff("bench-review", {"review", "intake"}, {DEPT})
# A reflexive transition with an effect: every firing writes the case, an event and an
# outbox row, and the case can be fired as often as the benchmark wants.
BENCH_TRANSITION = {
    "trigger": "annotate",
    "source": ["under_review"],
    "dest": "under_review",
    "label": {"ja": "メモを記録", "en": "Annotate"},
    "roles": ["review"],
    "effects": [
        {
            "name": "notify_resident",
            "params": {
                "title": {"ja": "お知らせ", "en": "Notice"},
                "body": {
                    "ja": "受付番号 {reference} の審査状況が更新されました。",
                    "en": "Reference {reference} was updated.",
                },
            },
        }
    ],
}


def bench_root(tmp: Path) -> Path:
    root = tmp / "procedures"
    shutil.copytree(ROOT / "procedures", root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = root / "kosodate" / "jidou-teate-nintei.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("workflow", {}).setdefault("transitions", []).append(BENCH_TRANSITION)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def make_runtime(tmp: Path) -> Runtime:
    settings = load_settings({"MADOGUCHI_DATA_DIR": str(tmp / "data"), "MADOGUCHI_WORKER": "0"})
    settings = dataclasses.replace(settings, procedures_dir=bench_root(tmp))
    upgrade(settings.database_url)
    rt = build_runtime(settings, make_engine(settings.database_url))
    rt.sync_definitions()
    return rt


def file_cases(rt: Runtime, n: int) -> list[str]:
    ids = []
    data = sample("jidou-teate-nintei")
    with Session(rt.db) as s:
        for i in range(n):
            applicant = f"R{i:010d}"
            res = submit(
                rt,
                s,
                "jidou-teate-nintei",
                data,
                actor=Actor.resident(applicant),
                applicant_id=applicant,
                channel="online",
                idempotency_key=uuid.uuid4().hex,
            )
            fire(rt, s, res.case.id, "receive", REVIEWER)
            fire(rt, s, res.case.id, "start_review", REVIEWER)
            ids.append(res.case.id)
            if i % 500 == 499:
                s.commit()
        s.commit()
    return ids


def engine_rate(rt: Runtime, ids: list[str], n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        with Session(rt.db) as s:
            fire(rt, s, ids[i % len(ids)], "annotate", REVIEWER, comment="確認済み")
            s.commit()
    return n / (time.perf_counter() - start)


def raw_rate(db_file: Path, n: int) -> float:
    conn = sqlite3.connect(db_file, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS raw_events (id INTEGER PRIMARY KEY, case_id TEXT, "
        "seq INTEGER, at TEXT, trigger TEXT, changes TEXT, hash TEXT)"
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS raw_outbox (id INTEGER PRIMARY KEY, case_id TEXT, "
        "kind TEXT, payload TEXT, key TEXT UNIQUE)"
    )
    payload = json.dumps(
        {"title_ja": "お知らせ", "body_ja": "審査状況が更新されました。"}, ensure_ascii=False
    )
    base = conn.execute("SELECT count(*) FROM raw_outbox").fetchone()[0]
    start = time.perf_counter()
    for i in range(base, base + n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO raw_events (case_id, seq, at, trigger, changes, hash) "
            "VALUES (?, ?, datetime('now'), 'annotate', '{}', ?)",
            (f"case{i % 1000}", i, f"{i:064d}"),
        )
        conn.execute(
            "INSERT INTO raw_outbox (case_id, kind, payload, key) VALUES (?, ?, ?, ?)",
            (f"case{i % 1000}", "notice", payload, f"k{i}"),
        )
        conn.execute("COMMIT")
    rate = n / (time.perf_counter() - start)
    conn.close()
    return rate


def raw_sqlalchemy_rate(rt: Runtime, n: int) -> float:
    """The same row pair as raw SQL text through the engine's own SQLAlchemy connections."""
    payload = json.dumps(
        {"title_ja": "お知らせ", "body_ja": "審査状況が更新されました。"}, ensure_ascii=False
    )
    ins_event = text(
        "INSERT INTO raw_events (case_id, seq, at, trigger, changes, hash) "
        "VALUES (:c, :s, datetime('now'), 'annotate', '{}', :h)"
    )
    ins_outbox = text(
        "INSERT INTO raw_outbox (case_id, kind, payload, key) VALUES (:c, 'notice', :p, :k)"
    )
    with rt.db.connect() as conn:
        base = conn.execute(text("SELECT count(*) FROM raw_outbox")).scalar_one()
        conn.commit()
    start = time.perf_counter()
    for i in range(base, base + n):
        with rt.db.connect() as conn:
            conn.execute(ins_event, {"c": f"case{i % 1000}", "s": i, "h": f"{i:064d}"})
            conn.execute(ins_outbox, {"c": f"case{i % 1000}", "p": payload, "k": f"k{i}"})
            conn.commit()
    return n / (time.perf_counter() - start)


def rss_mb() -> float:
    gc.collect()
    return float(psutil.Process().memory_info().rss) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts for a smoke run")
    args = parser.parse_args()
    n = 500 if args.quick else 5000
    cases = 300 if args.quick else 10_000
    first, second = (1000, 5000) if args.quick else (10_000, 100_000)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        rt = make_runtime(tmp)
        print(f"filing {cases} cases ...", flush=True)
        ids = file_cases(rt, cases)
        engine_rate(rt, ids, 200)  # warm up
        raw_rate(tmp / "data" / "madoguchi.sqlite3", 200)
        raw_sqlalchemy_rate(rt, 200)
        # Interleave the three measurements so a burst of load on this shared machine
        # affects them alike.
        eng_t = raw_t = sa_t = 0.0
        rounds = 5
        for _ in range(rounds):
            eng_t += (n / rounds) / engine_rate(rt, ids, n // rounds)
            raw_t += (n / rounds) / raw_rate(tmp / "data" / "madoguchi.sqlite3", n // rounds)
            sa_t += (n / rounds) / raw_sqlalchemy_rate(rt, n // rounds)
        eng, raw, sa = n / eng_t, n / raw_t, n / sa_t
        print(f"(a) engine transitions/s                 : {eng:8.0f}")
        print(f"(b) raw SQL insert+commit/s, sqlite3     : {raw:8.0f}")
        print(f"(c) raw SQL insert+commit/s, SQLAlchemy  : {sa:8.0f}")
        print(f"ratio a/b                                : {eng / raw:8.3f}   (target >= 0.25)")
        print(f"ratio a/c                                : {eng / sa:8.3f}")
        done = 2 * n + 200
        engine_rate(rt, ids, max(0, first - done))
        m1 = rss_mb()
        engine_rate(rt, ids, second - max(first, done))
        m2 = rss_mb()
        print(f"RSS after {first:>6} transitions: {m1:7.1f} MiB")
        print(f"RSS after {second:>6} transitions: {m2:7.1f} MiB")
        print(f"growth                    : {m2 / m1:8.3f}   (target <= 1.20)")
        print(
            f"machines cached: {len(rt.machines)}, models attached: {rt.machines.models_attached()}"
        )
        rt.db.dispose()


if __name__ == "__main__":
    main()
