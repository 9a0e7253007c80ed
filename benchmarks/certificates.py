#!/usr/bin/env python
"""Certificates benchmark (part of `make bench`): what a certificate costs to render, against a
minimal WeasyPrint page with the same text and the same fonts, in the same run; and its size.

1. A scratch portal (benchmarks/scratch.py) whose cut fonts come from .cache/certificate-fonts (made
   once, about two minutes, on a fresh machine).
2. Renders N certificates (award certificates of N different recipients, each with its QR code and
   border) through portal.certificates.rendering, and N minimal pages: an <h1>, the same paragraphs,
   issuer and serial as plain text in the same @font-face faces — WeasyPrint's floor for this text.
   Interleaved runs after a warm-up; the median run is reported.
3. Prints both times, the ratio (target ≤ 1.2), the size of one certificate (target ≤ 100 KB with
   the bold face embedded); writes bench-results/certificates.json.

Usage: .venv/bin/python benchmarks/certificates.py [--count 100] [--runs 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "certificates.json"
TARGET_RATIO = 1.2
TARGET_BYTES = 100_000

sys.path.insert(0, str(ROOT))

from scratch import scratch_app  # noqa: E402 - benchmarks/ is the script's folder

ORGS = ["平湖市仁芯社会工作服务中心", "平湖市爱驿站公益服务中心", "平湖市阳光社工服务中心", "平湖市小银杏志愿服务队",
        "平湖市曙光应急救援服务中心", "平湖市大学生村官俱乐部志愿服务队"]


def values_for(i: int) -> dict:
    org = f"{ORGS[i % len(ORGS)]}（第{i + 1}号）"
    return {"title": "荣誉证书", "body": "{{ recipient }}：\n你单位申报的“{{ project }}”项目在{{ call }}中荣获{{ award }}。",
            "closing": "特发此证，以资鼓励。", "issuers": ["共青团平湖市委员会", "平湖市民政局", "平湖市精神文明建设指导委员会办公室"],
            "issue_date": "2026-07-22", "signature_line": "", "border": "classic", "orientation": "landscape",
            "kind_label": "获奖证书", "seals": [],
            "fields": {"recipient": org, "project": "银龄食堂", "call": "2026年平湖市青年公益创投大赛", "award": "一等奖",
                       "amount": "¥25,000.00", "amount_upper": "人民币贰万伍仟元整", "session": "", "period": "",
                       "issue_date": "2026年7月22日", "role": ""}}


def minimal_html(values: dict, serial: str, faces: list[dict]) -> str:
    """The same words in the same faces, nothing else: no border, no QR code, no positioning."""
    from markupsafe import escape

    fields = values["fields"]
    css = "".join(f'@font-face {{ font-family: "{f["family"]}"; src: url("{f["url"]}"); font-weight: {f["weight"]}; }}'
                  for f in faces)
    family = ", ".join(dict.fromkeys(f'"{f["family"]}"' for f in faces))
    body = (f"{fields['recipient']}：</p><p>你单位申报的“{fields['project']}”项目在{fields['call']}中荣获"
            f"{fields['award']}。</p><p>{values['closing']}")
    issuers = "".join(f"<p><b>{escape(name)}</b></p>" for name in values["issuers"])
    return (f"<html><head><style>{css} @page {{ size: A4 landscape }} html {{ font-family: {family} }}</style></head>"
            f"<body><h1>{values['title']}</h1><p>{body}</p>{issuers}<p>{fields['issue_date']}</p>"
            f"<p><b>证书编号：{serial}</b></p></body></html>")


def run(count: int = 100, runs: int = 3) -> dict:
    with scratch_app("certificates") as app:
        from portal.certificates import rendering
        from portal.pdf import render_html

        app.config["CERTIFICATE_FONT_FOLDER"] = str(ROOT / ".cache" / "certificate-fonts")
        with app.test_request_context():
            t0 = time.perf_counter()
            _, faces = rendering._font_faces()  # cuts the fonts on a fresh machine
            fonts_s = time.perf_counter() - t0
            faces = [f for f in faces if f["part"] == "common"]  # as the certificates: their text needs no other
            files = {f["url"]: f["path"] for f in faces}
            jobs = [(values_for(i), f"PH2026-2026-A{i + 1:04d}-K7QX") for i in range(count)]

            def certificates() -> int:
                return sum(len(rendering.render_certificate(values, serial)) for values, serial in jobs)

            def minimal() -> int:
                return sum(len(render_html(minimal_html(values, serial, faces), files)) for values, serial in jobs)

            rendering.render_certificate(*jobs[0])  # warm-up: fonts loaded, templates compiled
            render_html(minimal_html(*jobs[0], faces), files)
            cert_times, minimal_times = [], []
            for _ in range(runs):
                for measure, times in ((certificates, cert_times), (minimal, minimal_times)):
                    t0 = time.perf_counter()
                    measure()
                    times.append(time.perf_counter() - t0)
            size = len(rendering.render_certificate(*jobs[0]))
    cert_s, minimal_s = statistics.median(cert_times), statistics.median(minimal_times)
    figures = {"count": count, "runs": runs, "fonts_s": round(fonts_s, 2), "certificates_s": round(cert_s, 3),
               "minimal_s": round(minimal_s, 3), "ratio": round(cert_s / minimal_s, 2), "target_ratio": TARGET_RATIO,
               "certificate_bytes": size, "target_bytes": TARGET_BYTES}
    report(figures)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return figures


def report(f: dict) -> bool:
    ratio_met = f["ratio"] <= TARGET_RATIO
    size_met = f["certificate_bytes"] <= TARGET_BYTES
    n = f["count"]
    print(f"\ncertificates: {n} award certificates against {n} minimal WeasyPrint pages of the same text and fonts"
          f" (fonts ready in {f['fonts_s']} s)")
    print(f"  certificates (border, QR code, layout), median of {f['runs']}: {f['certificates_s'] * 1000 / n:8.1f} ms each")
    print(f"  minimal pages, same text and faces, median of {f['runs']}:     {f['minimal_s'] * 1000 / n:8.1f} ms each")
    print(f"  ratio certificate / minimal page: {f['ratio']} (target ≤ {TARGET_RATIO}): {'MET' if ratio_met else 'NOT MET'}")
    print(f"  size of one certificate (both weights embedded): {f['certificate_bytes'] / 1000:.1f} KB "
          f"(target ≤ {TARGET_BYTES // 1000} KB): {'MET' if size_met else 'NOT MET'}")
    print("  batch of 1,000 on 1 and 2 worker processes: NOT MEASURED (the batch job is not built yet)")
    return ratio_met and size_met


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    run(args.count, args.runs)
