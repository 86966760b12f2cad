"""The application PDF through the project's document code against a bare WeasyPrint render.

Run with ``python bench/pdf.py [--runs N]``. In one process it renders, ``N`` times each
(after one warm-up render of each, which builds the font configuration):

(a) the application copy (``application_copy``) of a filed child allowance claim
    (``jidou-teate-nintei``, the sample payload) through :func:`engine.documents.render_document`:
    loading the case, decrypting it, the "check your answers" summary, the Jinja template
    and WeasyPrint;
(b) a bare WeasyPrint render of a static one-page HTML of similar content (the same
    headings, a table of about as many answers) in the same fonts, named in CSS with
    ``lang="ja"``, so fontconfig finds them by name with no fallback scan;

and prints the median of each and the ratio a/b (target: at most 2.0). It also checks that
both PDFs embed only the named IPAex fonts (a fallback font would show up there).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.actors import Actor  # noqa: E402
from engine.cases import submit  # noqa: E402
from engine.config import load_settings  # noqa: E402
from engine.db import make_engine  # noqa: E402
from engine.documents import render_document  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.runtime import build_runtime  # noqa: E402
from procedures.samples import sample  # noqa: E402

PROCEDURE = "jidou-teate-nintei"
DOCUMENT = "application_copy"

ROWS = [
    ("氏名", "佐藤　美咲"),
    ("フリガナ", "サトウ　ミサキ"),
    ("生年月日", "平成7年4月2日"),
    ("性別", "女"),
    ("住所", "東京都国立市富士見台二丁目12番3号 コーポ富士見203号室"),
    ("電話番号", "042-576-2111"),
    ("個人番号（マイナンバー）", "********0126"),
    ("職業", "会社員"),
    ("勤務先の名称", "国立商事株式会社"),
    ("加入している年金", "厚生年金"),
    ("請求の理由", "子どもが生まれた"),
    ("配偶者はいますか", "はい"),
    ("配偶者の氏名", "佐藤　健太"),
    ("配偶者の職業", "会社員"),
    ("一緒に住んでいますか", "はい"),
    ("児童の氏名", "佐藤　陽菜"),
    ("児童の生年月日", "令和5年6月1日"),
    ("あなたとの続柄", "実子"),
    ("監護していますか", "はい"),
    ("生計を同じくしていますか", "はい"),
    ("公金受取口座で受け取りますか", "はい"),
    ("金融機関", "みずほ銀行 国立支店 普通 1234567"),
    ("同意", "同意する"),
]

STATIC_HTML = """<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 18mm 16mm; }
html { font-family: "IPAexMincho"; font-size: 10.5pt; line-height: 1.6; }
h1, h2, th { font-family: "IPAexGothic"; font-weight: normal; }
h1 { font-size: 16pt; text-align: center; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: left; }
th { background: #eee; width: 38%; }
</style></head><body>
<p>国立市長　様</p>
<h1>児童手当等の受給資格及び児童手当の額についての認定請求書（控え）</h1>
<p>受付番号 2026-12345-67890　　受付日 令和8年11月25日</p>
<h2>請求者</h2>
<table>ROWS</table>
<p>上記のとおり請求します。</p>
</body></html>
"""


def _static_html() -> str:
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in ROWS)
    return STATIC_HTML.replace("ROWS", rows)


def _fonts(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for ref in fonts.values():
            names.add(str(ref.get_object().get("/BaseFont", "")).split("+")[-1])
    return names


def _median_ms(render: Callable[[], bytes], runs: int) -> tuple[float, bytes]:
    out = b""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = render()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit code is 1 when the ratio misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="renders of each (default 15)")
    args = parser.parse_args(argv)
    from weasyprint import HTML

    from engine.documents import _fonts as shared_fonts

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"MADOGUCHI_DATA_DIR": tmp, "MADOGUCHI_WORKER": "0"})
        upgrade(settings.database_url)
        rt = build_runtime(settings, make_engine(settings.database_url))
        rt.sync_definitions()
        with Session(rt.db) as s:
            case = submit(
                rt,
                s,
                PROCEDURE,
                sample(PROCEDURE),
                actor=Actor.system("bench"),
                applicant_id="1000000102",
                channel="api",
                idempotency_key="bench-pdf",
            ).case
            s.commit()
        html = _static_html()

        def ours() -> bytes:
            with Session(rt.db) as s:
                return render_document(rt, s, case.id, DOCUMENT)

        def bare() -> bytes:
            pdf: bytes = HTML(string=html).write_pdf(font_config=shared_fonts())
            return pdf

        ours()  # warm-up: templates, font configuration
        bare()
        a_ms, a_pdf = _median_ms(ours, args.runs)
        b_ms, b_pdf = _median_ms(bare, args.runs)
    ratio = a_ms / b_ms
    print(f"(a) application PDF via engine.documents: median {a_ms:.1f} ms over {args.runs}")
    print(f"(b) bare WeasyPrint, static one page:      median {b_ms:.1f} ms over {args.runs}")
    print(f"ratio a/b: {ratio:.2f} (target <= 2.0)")
    print(f"fonts (a): {sorted(_fonts(a_pdf))}  (b): {sorted(_fonts(b_pdf))}")
    print(f"pages (a): {len(PdfReader(io.BytesIO(a_pdf)).pages)}  (b): 1")
    return 0 if ratio <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
