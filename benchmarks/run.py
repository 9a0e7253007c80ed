#!/usr/bin/env python
"""`make bench`: how fast are the portal's busiest pages, next to two baselines served the same way?

1. Builds a throwaway SQLite database in a temporary folder: 1,000 published calls of one committee
   (with categories) and 1,000 submitted applications (with budget lines) to one of them.
2. Starts gunicorn (2 workers) on free 127.0.0.1 ports: the portal (`portal.wsgi:app`) and the
   baselines (benchmarks/baseline_app.py: a Flask route returning a string, and a bare
   Flask + SQLAlchemy + Jinja page listing 20 calls of the same table).
3. Loads each page with a bounded load (fixed connections, fixed duration or number of requests,
   a time cap) after a warm-up, in interleaved rounds (the median round is reported): `wrk` when installed, else a pure-Python client (threads +
   http.client keep-alive). Every response must be 200, or the run fails.
4. Prints requests/s, p50 and p99 latency and each page's ratio to both baselines, checks the target
   (public call list ≥ 50 % of the Flask + Jinja + SQLAlchemy baseline) and writes
   bench-results/latest.json.
5. The matching pages beside them (benchmarks/matching.py: the venue board's state of 50 projects
   and 2,000 pledges, target ≥ 50 % of the same baseline; the sponsors' catalogue of 500 projects),
   in the same rounds (skip with --no-matching; only them and the baselines with --only matching).
6. Then benchmarks/judging.py: the committee's ranking page of 2,000 applications × 5 judges × 6
   criteria (as reused and as recomputed) against the raw SQL GROUP BY of its scores, in-process
   (skip with --no-judging).
7. Then benchmarks/grants.py: the per-call grants dashboard over 1,000 grants and 10,000 ledger rows
   against raw SQL of the same figures, in-process (skip with --no-grants; only it with --only grants).
8. Then benchmarks/certificates.py: 100 certificates against 100 minimal WeasyPrint pages of the same
   text and fonts, and the size of one (skip with --no-certificates; only it with --only certificates).

Every server it starts is stopped (process group) even when something fails.

Usage: .venv/bin/python benchmarks/run.py [--rounds 3] [--duration 4] [--connections 8] [--python] [--strict]
       [--no-judging] [--no-matching] [--no-grants] [--no-certificates] [--only matching|grants|certificates]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "latest.json"
SECRET_KEY = "bench-secret-key-not-for-production"
PASSWORD = "bench-password-1"
COMMITTEE_EMAIL = "bench-committee@example.cn"
N_CALLS = 1000
N_APPLICATIONS = 1000
TARGET_RATIO = 0.5  # the public list must reach half the Flask + Jinja + SQLAlchemy baseline

sys.path.insert(0, str(ROOT))


class BenchError(RuntimeError):
    pass


# --- data ----------------------------------------------------------------------------------------

def server_env(workdir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
        INSTANCE_PATH=str(workdir / "instance"),
        SECRET_KEY=SECRET_KEY,
        MAIL_BACKEND="console",
        REDIS_URL="",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def build_database(env: dict) -> dict:
    """Create the schema and the rows; return facts the checks need (a committee session cookie …)."""
    for key in ("DATABASE_URL", "INSTANCE_PATH", "SECRET_KEY", "MAIL_BACKEND", "REDIS_URL"):
        os.environ[key] = env[key]
    from werkzeug.security import generate_password_hash

    from portal.app import create_app
    from portal.accounts.models import MemberRole, Membership, OrgKind, Organization, OrgStatus, User
    from portal.applications.models import Application, ApplicationStatus, BudgetLine
    from portal.calls.models import Call, CallStatus, Category
    from portal.extensions import db
    from portal.types import utcnow

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        db.create_all()
        now = utcnow()
        committee = Organization(kind=OrgKind.COMMITTEE, name="共青团平湖市委员会", legal_form="群团组织",
                                 province="浙江省", city="嘉兴市", district="平湖市", status=OrgStatus.VERIFIED)
        user = User(email=COMMITTEE_EMAIL, name="陈晓燕", password_hash=generate_password_hash(PASSWORD))
        db.session.add_all([committee, user, Membership(user=user, organization=committee, role=MemberRole.OWNER)])
        categories = [Category(name=name, position=i) for i, name in enumerate(
            ["助老", "助残", "关爱儿童", "环境保护", "社区治理", "应急救援", "文化教育", "医疗健康"])]
        db.session.add_all(categories)
        calls = []
        for n in range(1, N_CALLS + 1):
            calls.append(Call(
                committee=committee, created_by_id=None, title=f"2026 年平湖市青年公益创投大赛（第 {n} 期）",
                code=f"B{n:04d}", description="面向全市公益组织和志愿服务队征集公益项目。" * 5,
                funding_min=Decimal("10000.00"), funding_max=Decimal("50000.00"), total_pool=Decimal("500000.00"),
                min_self_funding_pct=Decimal("10.00"), admin_cost_cap_pct=Decimal("10.00"),
                eligible_regions=["浙江省/嘉兴市"], max_applications_per_org=5,
                opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=1 + n % 90, hours=n % 24),
                contact="团市委 0573-85012345", status=CallStatus.PUBLISHED, published_at=now - timedelta(days=10),
                categories=[categories[n % 8], categories[(n + 3) % 8]],
            ))
        db.session.add_all(calls)
        target_call = calls[0]
        ngos = [Organization(kind=OrgKind.NGO, name=f"平湖市第{n}公益服务中心", legal_form="社会组织", province="浙江省",
                             city="嘉兴市", district="平湖市", status=OrgStatus.VERIFIED) for n in range(1, 251)]
        db.session.add_all(ngos)
        for n in range(1, N_APPLICATIONS + 1):
            application = Application(
                call=target_call, organization=ngos[n % len(ngos)], status=ApplicationStatus.SUBMITTED,
                sequence=n, reference=f"{target_call.code}-{n:03d}", title=f"四点半学校（{n}）",
                category=categories[n % 8], service_area="平湖市当湖街道", summary="为双职工家庭的孩子提供课后辅导。",
                target_group="小学生", beneficiaries_count=100, need_analysis="放学后无人看护。", goals="服务 100 名儿童。",
                declaration_accepted=True, submitted_at=now - timedelta(minutes=n),
            )
            application.budget_lines = [
                BudgetLine(position=0, category="活动费", item="课后辅导材料", unit_price=Decimal("300.00"),
                           quantity=Decimal("100"), amount=Decimal("30000.00"), self_funded=Decimal("4000.00")),
                BudgetLine(position=1, category="管理费", item="项目管理", unit_price=Decimal("2000.00"),
                           quantity=Decimal("2"), amount=Decimal("4000.00")),
                BudgetLine(position=2, category="宣传费", item="宣传海报", unit_price=Decimal("60.00"),
                           quantity=Decimal("100"), amount=Decimal("6000.00")),
            ]
            db.session.add(application)
        db.session.commit()
        facts = {"call_titles": [c.title for c in calls[:20]], "target_call_id": target_call.id}

    client = app.test_client()
    response = client.post("/login", data={"email": COMMITTEE_EMAIL, "password": PASSWORD})
    if response.status_code != 302:
        raise BenchError(f"could not log the committee member in (status {response.status_code})")
    client.get("/me")  # consume the welcome flash, so the cookie we replay carries no message
    cookie = client.get_cookie("session")
    if cookie is None:
        raise BenchError("login set no session cookie")
    facts["cookie"] = f"session={cookie.value}"
    with app.app_context():
        db.engine.dispose()
    return facts


# --- servers -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name: str, app_spec: str, env: dict, workdir: Path, args, extra: list[str] | None = None):
        self.name, self.port = name, free_port()
        self.log_path = workdir / f"{name}.log"
        cmd = [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--worker-class", args.worker_class,
               "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--chdir", str(ROOT),
               "--backlog", "256", *(extra or [])]
        if args.worker_class == "gthread":
            cmd += ["--threads", str(args.threads)]
        cmd.append(app_spec)
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} server exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise BenchError(f"{self.name} server did not start in {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 3000) -> str:
        self.log.flush()
        return self.log_path.read_bytes()[-n:].decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=5)
        self.log.close()


# --- load ----------------------------------------------------------------------------------------

def fetch(port: int, path: str, headers: dict) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0; last_status = 0; expected = tonumber(args[1] or "200") end
function response(status, headers, body)
  if status ~= expected then non200 = non200 + 1; last_status = status end
end
function done(summary, latency, requests)
  local bad, last = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non200")
    if t:get("last_status") ~= 0 then last = t:get("last_status") end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "non200": %d, "last_status": %d, "socket_errors": %d,' ..
    ' "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, bad, last, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


def run_wrk(port: int, path: str, headers: dict, duration: float, connections: int, threads: int, workdir: Path,
            expect: int = 200) -> dict:
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    cmd = [shutil.which("wrk"), "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
           "--timeout", "10s", "-s", str(script)]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cmd += [f"http://127.0.0.1:{port}{path}", "--", str(expect)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    line = next((l for l in result.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if result.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stdout}\n{result.stderr}")
    raw = json.loads(line[len("WRKJSON "):])
    return {
        "requests": raw["requests"],
        "seconds": raw["duration_us"] / 1e6,
        "non200": raw["non200"],
        "last_bad_status": raw["last_status"],
        "socket_errors": raw["socket_errors"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
    }


def run_python(port: int, path: str, headers: dict, duration: float, connections: int, total: int,
               expect: int = 200) -> dict:
    """`total` requests over `connections` keep-alive connections, stopped at the `duration` cap."""
    latencies: list[float] = []
    state = {"issued": 0, "non200": 0, "last_status": 0, "socket_errors": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: list[float] = []
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if state["issued"] >= total:
                        break
                    state["issued"] += 1
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException):
                    with lock:
                        state["socket_errors"] += 1
                    connection.close()
                    continue
                local.append(time.perf_counter() - started)
                if response.status != expect:
                    with lock:
                        state["non200"] += 1
                        state["last_status"] = response.status
                if response.will_close:
                    connection.close()  # http.client reopens on the next request
        finally:
            connection.close()
            with lock:
                latencies.extend(local)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(duration + 60)
    seconds = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        raise BenchError(f"no response at all from {path}")

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "seconds": seconds,
        "non200": state["non200"],
        "last_bad_status": state["last_status"],
        "socket_errors": state["socket_errors"],
        "rps": len(latencies) / seconds,
        "p50_ms": pct(50),
        "p90_ms": pct(90),
        "p99_ms": pct(99),
        "mean_ms": sum(latencies) / len(latencies) * 1000,
    }


# --- main ----------------------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=4, help="seconds of measured load per page and round (cap)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds; the median round is reported")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up load per page")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--requests", type=int, default=4000, help="requests per page and round (pure-Python client; --duration still caps it)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker with --worker-class gthread")
    parser.add_argument("--python", action="store_true", help="use the pure-Python client even if wrk is installed")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is not met")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server logs)")
    parser.add_argument("--no-judging", action="store_true", help="skip the judging ranking benchmark (benchmarks/judging.py)")
    parser.add_argument("--no-matching", action="store_true", help="skip the matching pages (benchmarks/matching.py)")
    parser.add_argument("--no-grants", action="store_true", help="skip the grants dashboard benchmark (benchmarks/grants.py)")
    parser.add_argument("--no-certificates", action="store_true",
                        help="skip the certificates benchmark (benchmarks/certificates.py)")
    parser.add_argument("--only", choices=["all", "matching", "grants", "certificates"], default="all",
                        help="matching: load only the baselines and the matching pages; grants: only benchmarks/grants.py; "
                             "certificates: only benchmarks/certificates.py")
    return parser.parse_args(argv)


def run_grants() -> int:
    import grants as grants_bench

    try:
        grants_bench.run()
    except grants_bench.GrantsBenchError as exc:
        print(f"\nBENCHMARK FAILED: grants: {exc}", file=sys.stderr)
        return 2
    return 0


def run_certificates() -> int:
    import certificates as certificates_bench

    certificates_bench.run()
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.only == "grants":  # in-process, no server: nothing else to build
        return run_grants()
    if args.only == "certificates":
        return run_certificates()
    use_wrk = bool(shutil.which("wrk")) and not args.python
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally blocks below
    workdir = Path(tempfile.mkdtemp(prefix="yichuang-bench-"))
    servers: list[Server] = []
    try:
        env = server_env(workdir)
        t0 = time.perf_counter()
        facts = build_database(env)
        print(f"database: {N_CALLS} published calls, {N_APPLICATIONS} submitted applications "
              f"({time.perf_counter() - t0:.1f} s) in {workdir}")
        matching = not args.no_matching
        if matching:
            import matching as matching_bench

            t0 = time.perf_counter()
            matching_facts = matching_bench.build(env)
            print(f"matching: {matching_bench.N_BOARD_PROJECTS} projects and {matching_bench.N_BOARD_PLEDGES:,} pledges on "
                  f"a board, {matching_bench.N_CATALOGUE_PROJECTS} in a catalogue ({time.perf_counter() - t0:.1f} s)")
        portal = Server("portal", "portal.wsgi:app", env, workdir, args)
        baseline = Server("baseline", "baseline_app:create_app()", env, workdir, args,
                          ["--pythonpath", str(ROOT / "benchmarks")])
        servers += [portal, baseline]
        for server in servers:
            server.wait_ready()

        cookie = {"Cookie": facts["cookie"]}
        pages = [
            ("baseline: Flask string", baseline, "/hello", {}),
            ("baseline: Flask+SQLAlchemy+Jinja, 20 calls", baseline, "/calls", {}),
        ]
        if args.only != "matching":
            pages += [
                ("public call list /calls/", portal, "/calls/", {}),
                ("committee screening /committee/screening", portal, "/committee/screening", cookie),
            ]
        notes = []
        if matching:
            matching_pages, matching_notes = matching_bench.pages(portal, matching_facts)
            pages += matching_pages
            notes += matching_notes
        for label, server, path, headers, *expect in pages:  # each page answers 200 (or as said) before it is measured
            status, body = fetch(server.port, path, headers)
            if status != (expect[0] if expect else 200):
                raise BenchError(f"{label}: GET {path} answered {status}, not 200:\n{body[:800]}\n{server.log_tail()}")
            if path == "/calls/" and not any(title in body for title in facts["call_titles"]):
                notes.append("the public list shows none of the 20 calls closing first (still a placeholder?)")
            problem = matching_bench.check(label, body) if matching else None
            if problem:
                raise BenchError(f"{label}: {problem}")
        load = "wrk" if use_wrk else "python"
        print(f"load: {load}, {args.connections} connections, {args.rounds} rounds × {args.duration:g} s per page "
              f"(+{args.warmup:g} s warm-up), "
              f"gunicorn {args.workers} × {args.worker_class}")
        rounds: dict[str, list[dict]] = {label: [] for label, *_ in pages}
        for label, server, path, headers, *expect in pages:  # warm every server and page up first
            expect = expect[0] if expect else 200
            if use_wrk:
                run_wrk(server.port, path, headers, args.warmup, args.connections, 1, workdir, expect)
            else:
                run_python(server.port, path, headers, args.warmup, args.connections, max(50, args.requests // 10), expect)
        for n in range(args.rounds):  # rounds interleave the pages, so a noisy moment hurts them alike
            for label, server, path, headers, *expect in pages:
                expect = expect[0] if expect else 200
                if use_wrk:
                    figures = run_wrk(server.port, path, headers, args.duration, args.connections, 1, workdir, expect)
                else:
                    figures = run_python(server.port, path, headers, args.duration, args.connections, args.requests, expect)
                if figures["non200"] or figures["socket_errors"]:
                    raise BenchError(f"{label}: {figures['non200']} responses were not {expect} (last {figures['last_bad_status']}), "
                                     f"{figures['socket_errors']} socket errors — refusing to report figures of error pages\n"
                                     f"{server.log_tail()}")
                rounds[label].append({"path": path, **figures})
            print(f"  round {n + 1}/{args.rounds}: " + ", ".join(f"{r[-1]['rps']:.0f}" for r in rounds.values()) + " req/s")
        results = {}
        for label, measured in rounds.items():  # the median round by requests/s
            ordered = sorted(measured, key=lambda figures: figures["rps"])
            results[label] = {**ordered[len(ordered) // 2], "rps_rounds": [round(f["rps"], 1) for f in measured]}
        code = report(args, load, results, notes)
        if matching and not matching_bench.report(results, list(results)[1]) and args.strict:
            code = 1
        if not args.no_judging:  # the ranking page of 2,000 applications vs. its raw SQL (benchmarks/judging.py)
            import judging as judging_bench

            try:
                judging_bench.run()
            except judging_bench.JudgingBenchError as exc:
                raise BenchError(f"judging: {exc}") from exc
        if not args.no_grants and args.only == "all" and run_grants() == 2:
            return 2
        if not args.no_certificates and args.only == "all":
            run_certificates()
        return code
    except BenchError as exc:
        print(f"\nBENCHMARK FAILED: {exc}", file=sys.stderr)
        return 2
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def report(args, load: str, results: dict, notes: list[str]) -> int:
    labels = list(results)
    hello, jinja = results[labels[0]]["rps"], results[labels[1]]["rps"]
    header = f"{'page':<44} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs string':>10} {'vs jinja':>9}"
    print("\n" + header + "\n" + "-" * len(header))
    for label, figures in results.items():
        figures["ratio_to_string_baseline"] = figures["rps"] / hello
        figures["ratio_to_jinja_baseline"] = figures["rps"] / jinja
        print(f"{label:<44} {figures['rps']:>8.0f} {figures['p50_ms']:>8.1f} {figures['p99_ms']:>8.1f} "
              f"{figures['ratio_to_string_baseline']:>9.0%} {figures['ratio_to_jinja_baseline']:>8.0%}")
    public_label = "public call list /calls/"
    public = results[public_label]["ratio_to_jinja_baseline"] if public_label in results else None
    met = public is None or public >= TARGET_RATIO
    print()
    if public is not None:
        print(f"target: public call list ≥ {TARGET_RATIO:.0%} of the Flask+Jinja+SQLAlchemy baseline → "
              f"{public:.0%}: {'MET' if met else 'NOT MET'}")
    for note in notes:
        print(f"note: {note}")
    if args.only != "all":  # a partial run keeps the last full run's figures
        return 1 if (args.strict and not met) else 0
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "config": {"load": load, "connections": args.connections, "rounds": args.rounds, "duration_s": args.duration, "warmup_s": args.warmup,
                   "workers": args.workers, "worker_class": args.worker_class, "calls": N_CALLS,
                   "applications": N_APPLICATIONS, "database": "sqlite"},
        "results": results,
        "target": {"page": public_label, "min_ratio_to_jinja_baseline": TARGET_RATIO, "ratio": public, "met": met},
        "notes": notes,
    }, ensure_ascii=False, indent=2) + "\n")
    print(f"figures written to {RESULTS.relative_to(ROOT)}")
    return 1 if (args.strict and not met) else 0


if __name__ == "__main__":
    sys.exit(main())
