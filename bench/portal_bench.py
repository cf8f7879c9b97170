"""Public portal under load: gunicorn + PostgreSQL + Redis, driven over real HTTP.

Three phases against one server, repeated BENCH_PORTAL_RUNS times (medians
reported, the machine is shared):

* baseline: wrk GETs a view that does nothing (bench/portal_urls.py, bench-only
  settings) through the full middleware stack: the ceiling of Django + gunicorn
  on this machine, measured in the same run as the real pages.
* tracking: wrk (C, epoll; bench/portal_track.lua) with one keep-alive
  connection per thread, each a phone browser with its own session and CSRF
  token: POST /track/ (a real query code + last 4 digits from the bench
  database), answered with the case page itself, checked for the case number.
* submissions: Python clients doing the whole flow per submission: GET form →
  SMS code (read from the outbox row; bench-only, nothing in the site exposes
  it) → proof of work → POST, answered with the receipt. Afterwards every accepted submission is
  checked to exist exactly once, with a real case number.

Per-IP rate limits (20 submissions and 20 SMS codes per IP per hour) are kept
as they are: each submission client binds its socket to its own loopback
source address (127.a.b.c) and moves to a fresh one before reaching them.
The server runs with config/gunicorn.py (app and jieba preloaded before the
fork); BENCH_PORTAL_WORKERS / _CLASS / _THREADS pick the worker model and
BENCH_PORTAL_SWEEP=1 compares several on tracking and the baseline.
"""

import hashlib
import multiprocessing as mp
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from bench.browser import Browser, FixedForm
from bench.stats import pct

ROOT = Path(__file__).resolve().parent.parent
# The tree gunicorn serves: this one, or another checkout to compare (its own code,
# with this bench's config/gunicorn.py and bench/portal_settings.py + portal_urls.py copied in).
SERVER_ROOT = Path(os.environ.get("BENCH_PORTAL_SERVER_ROOT", ROOT))
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = int(os.environ.get("BENCH_PORTAL_WORKERS", (os.cpu_count() or 1) + 1))  # as config/gunicorn.py
WORKER_CLASS = os.environ.get("BENCH_PORTAL_CLASS", "gthread")  # picked by the sweep (BENCH_PORTAL_SWEEP=1)
THREADS = int(os.environ.get("BENCH_PORTAL_THREADS", 2))
RUNS = int(os.environ.get("BENCH_PORTAL_RUNS", 3))
SECONDS = float(os.environ.get("BENCH_PORTAL_SECONDS", 15))
CONNS = int(os.environ.get("BENCH_PORTAL_CONNS", 8))  # wrk threads = connections
WARM_PAIRS = int(os.environ.get("BENCH_PORTAL_WARM_PAIRS", 200))  # few cases, asked again and again: cache hits
COLD_PAIRS = int(os.environ.get("BENCH_PORTAL_COLD_PAIRS", 20000))  # each case about once: the cache rarely helps
SUBMIT_PROCS = 4
SUBMIT_THREADS = int(os.environ.get("BENCH_PORTAL_SUBMIT_THREADS", 4))  # per process: 16 clients
POW_BITS = os.environ.get("BENCH_PORTAL_POW_BITS", "8")
# Which phases to run (comma-separated), for working on one of them: all by default.
PHASES = set(os.environ.get("BENCH_PORTAL_PHASES", "empty,warm,cold,submit,county").split(","))
PER_IP = 18  # submissions per source address (limits: 20 per IP per hour for SMS codes and for posts)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
SERVER_CPUS = os.environ.get("BENCH_PORTAL_SERVER_CPUS", "")  # e.g. "0-1": taskset for gunicorn
CLIENT_CPUS = os.environ.get("BENCH_PORTAL_CLIENT_CPUS", "")  # e.g. "1": taskset for wrk

APP_NAME = "portalbench"  # the server's PostgreSQL sessions, for CPU accounting

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    if not m:
        raise RuntimeError(f"no hidden field {name}")
    return m.group(1)


def solve(challenge: str) -> str:
    """The browser's proof of work (static/js/portal.js) at C speed per hash: the
    difficulty read from the challenge's payload as the browser reads it (no
    signature check: that is the server's), the prefix hashed once and copied for
    each counter, the leading zero bits checked on the digest's first bytes."""
    import base64
    import json

    payload = challenge.split(":", 1)[0]
    bits = int(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))).get("b", 16))
    whole, rest = divmod(bits, 8)
    zeros, top = bytes(whole), 0xFF >> rest  # the byte after the zero bytes must be <= top
    base = hashlib.sha256(f"{challenge}:".encode())
    n = 0
    while True:
        h = base.copy()
        h.update(_COUNTERS[n] if n < len(_COUNTERS) else str(n).encode())
        d = h.digest()
        if d[:whole] == zeros and (not rest or d[whole] <= top):
            return str(n)
        n += 1


_COUNTERS = [str(n).encode() for n in range(1 << 12)]  # the counters an 8-bit challenge needs, encoded once


# --- gunicorn ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": os.environ["DATABASE_URL"] + f"?application_name={APP_NAME}",
        "DJANGO_SETTINGS_MODULE": "bench.portal_settings",
        "DEBUG": "0", "SECRET_KEY": os.environ["SECRET_KEY"],
        "FIELD_ENCRYPTION_KEY": os.environ["FIELD_ENCRYPTION_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_COOKIES": "0", "REDIS_URL": REDIS_URL,
        "PORTAL_POW_BITS": POW_BITS, "PORTAL_SMS_ECHO": "0", "LOG_LEVEL": "ERROR",
    })
    return env


def taskset(cpus: str) -> list[str]:
    return ["taskset", "-c", cpus] if cpus and shutil.which("taskset") else []


def start_gunicorn(port: int, log: Path, workers: int, kind: str, threads: int) -> subprocess.Popen:
    cmd = [*taskset(SERVER_CPUS), str(GUNICORN), "-c", "config/gunicorn.py", "config.wsgi", "-w", str(workers),
           "-k", kind, "--threads", str(threads), "-b", f"127.0.0.1:{port}"]
    out = open(log, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, cwd=SERVER_ROOT, env=server_env(), stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {log}")
        try:
            if Browser(port).request("GET", "/__bench__/ok")[0] == 200:
                for path in ("/track/", "/petition/", "/__bench__/ok") * (2 * workers):  # every worker warm
                    Browser(port).request("GET", path)
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(proc)
    raise RuntimeError(f"gunicorn did not answer within 90 s; see {log}")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # the arbiter stops its workers
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- CPU accounting ------------------------------------------------------------------------------
# Under a shared machine's load, throughput and latency measure our share of the CPU as much as our
# code; the CPU seconds each part spends per request do not depend much on that share.

def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pids(match) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)
                name = fields[0].split("(", 1)[1]
                ppid = int(fields[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if match(name, ppid):
                out.append(int(d.name))
    return out


def cpu_snapshot(server: subprocess.Popen) -> dict[str, dict[int, float]]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
        pg = [r[0] for r in cur.fetchall()]
    workers = [server.pid, *_pids(lambda _n, ppid: ppid == server.pid)]
    return {"gunicorn": {p: _proc_cpu(p) for p in workers}, "postgres": {p: _proc_cpu(p) for p in pg},
            "redis": {p: _proc_cpu(p) for p in _pids(lambda n, _pp: n.startswith("redis-server"))}}


def children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class CpuMeter:
    """CPU seconds spent by gunicorn, its PostgreSQL backends, Redis and the load
    client (wrk or the submission processes) between start() and stop()."""

    def __init__(self, server: subprocess.Popen):
        self.server = server

    def start(self) -> None:
        self.before, self.client0, self.t0 = cpu_snapshot(self.server), children_cpu(), time.time()

    def stop(self) -> dict[str, float]:
        after = cpu_snapshot(self.server)
        used = {k: sum(v - self.before[k].get(pid, 0.0) for pid, v in after[k].items()) for k in after}
        used["client"] = children_cpu() - self.client0
        used["wall"] = time.time() - self.t0
        return used


def cpu_line(used: dict, n: int, what: str) -> str:
    if not n:
        return f"  CPU per {what}: —"
    per = {k: used[k] / n * 1000 for k in ("gunicorn", "postgres", "redis", "client")}
    server = per["gunicorn"] + per["postgres"] + per["redis"]
    busy = sum(used[k] for k in ("gunicorn", "postgres", "redis", "client")) / used["wall"]
    return (f"  CPU per {what}: gunicorn {per['gunicorn']:.1f} ms + PostgreSQL {per['postgres']:.1f} ms + Redis"
            f" {per['redis']:.2f} ms = server {server:.1f} ms; client {per['client']:.1f} ms;"
            f" these used {busy:.2f} of 2 cores → an idle 2-core machine would do ≈{2000 / (server + per['client']):.0f}/s"
            f" with this client, ≈{2000 / server:.0f}/s with the client elsewhere")


# --- wrk ---------------------------------------------------------------------------------------

def wrk(port: int, path: str, seconds: float, conns: int, script: Path | None = None,
        env: dict | None = None) -> str:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: apt-get install wrk (make bench installs it)")
    cmd = [*taskset(CLIENT_CPUS), "wrk", "-t", str(conns), "-c", str(conns), "-d", f"{seconds:.0f}s",
           "--timeout", "10s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    return subprocess.run(cmd, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          check=True, timeout=seconds + 60).stdout


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]


def baseline(port: int, seconds: float, conns: int) -> dict:
    """A view that does nothing, through every middleware: requests/s and latency."""
    out = wrk(port, "/__bench__/ok", seconds, conns)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = dict(re.findall(r"^\s+(50|95|99)%\s+(\S+)", out, re.M))
    if "95" not in lat:  # wrk prints 50/75/90/99; take 90 and 99 for a bound on 95
        lat["95"] = lat.get("99", "nan")
    errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rate": rate, "n": reqs, "p50": _ms(lat.get("50", "")), "p99": _ms(lat.get("99", "")),
            "errors": errors + (sum(map(int, sock.groups())) if sock else 0)}


def tracking_creds(port: int, pairs: list, n: int) -> list[tuple[str, str]]:
    """One browser per wrk connection: load the form (CSRF cookie + token), make
    one query (the session), hand the cookies and token to wrk."""
    creds = []
    for _ in range(n):
        b = Browser(port)
        _, _, html, _ = b.request("GET", "/track/")
        token = CSRF_RE.search(html).group(1)
        code, last4, _ = pairs[0]
        s, _, _, _ = b.request("POST", "/track/", {"csrfmiddlewaretoken": token, "query_code": code,
                                                   "phone_last4": last4})
        if s != 200:
            raise RuntimeError(f"tracking set-up POST answered {s}")
        creds.append(("; ".join(f"{k}={v}" for k, v in b.cookies.items()), token))
        b.close()
    return creds


def tracking(port: int, pairs: list, seconds: float, conns: int) -> dict:
    creds = tracking_creds(port, pairs, conns)
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "data.lua", Path(tmp) / "out.txt"
        lua = ["PAIRS = {"] + [f'  {{"{c}", "{d}", "{n}"}},' for c, d, n in pairs] + ["}", "CREDS = {"]
        lua += [f'  {{"{c}", "{t}"}},' for c, t in creds] + ["}"]
        data.write_text("\n".join(lua))
        wrk(port, "/track/", seconds, conns, ROOT / "bench" / "portal_track.lua",
            {"PORTAL_BENCH_DATA": str(data), "PORTAL_BENCH_OUT": str(out)})
        lines = out.read_text().splitlines()
    res: dict = {"q": [], "ok": 0, "err": 0, "kinds": {}}
    duration = seconds
    for ln in lines:
        parts = ln.split()
        if parts[0] == "q":
            res[parts[0]].append(float(parts[1]))
        elif parts[0] == "thread":
            res["ok"] += int(parts[1])
            res["err"] += int(parts[2])
        elif parts[0] == "error":
            res["kinds"][parts[1]] = res["kinds"].get(parts[1], 0) + int(parts[2])
        elif parts[0] == "summary":
            duration = int(parts[1]) / 1e6
            sock = sum(int(x) for x in parts[3:])
            if sock:
                res["kinds"]["socket/status (wrk)"] = sock
                res["err"] += sock
    res["rate"] = res["ok"] / duration
    return res


# --- tracking data -----------------------------------------------------------------------------
def data_key_note() -> str:
    """The bench cases must decrypt with the key the server gets. If they were
    generated under another key (the project's .env one, read by settings when
    the environment has none), pass that one as FIELD_ENCRYPTION_OLD_KEYS to
    this process and to gunicorn (never printed)."""
    from django.conf import settings

    from xinfang.cases.models import Petitioner
    from xinfang.lib.crypto import DecryptionError

    def readable() -> bool:
        try:
            for p in Petitioner.objects.exclude(phone="").order_by("pk")[:5]:
                p.phone  # noqa: B018
            return True
        except DecryptionError:
            return False

    if readable():
        return ""
    dotenv = ROOT / ".env"
    keys = [v.strip() for k, _, v in (ln.partition("=") for ln in dotenv.read_text().splitlines()
            if dotenv.exists()) if k.strip() == "FIELD_ENCRYPTION_KEY" and v.strip()] if dotenv.exists() else []
    if keys:
        settings.FIELD_ENCRYPTION_OLD_KEYS = [*settings.FIELD_ENCRYPTION_OLD_KEYS, keys[0]]
        if readable():
            os.environ["FIELD_ENCRYPTION_OLD_KEYS"] = ",".join(settings.FIELD_ENCRYPTION_OLD_KEYS)
            return ("NOTE: the bench cases were encrypted with the .env FIELD_ENCRYPTION_KEY, not bench/run.py's;"
                    " it is given to the bench and to gunicorn as FIELD_ENCRYPTION_OLD_KEYS")
    raise RuntimeError("bench cases do not decrypt with FIELD_ENCRYPTION_KEY (nor the .env key)")


def tracking_pairs(n: int = 200, seed: int = 42) -> list[tuple[str, str, str]]:
    from xinfang.cases.models import Case, CasePetitioner

    lo_hi = Case.objects.order_by("pk").values_list("pk", flat=True)
    lo, hi = lo_hi.first(), Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    rnd = random.Random(seed)
    ids = rnd.sample(range(lo, hi + 1), min(n * 2, hi - lo + 1))
    pairs = []
    links = CasePetitioner.objects.filter(case_id__in=ids, is_lead=True).select_related("case", "petitioner")
    for link in links:
        phone = link.petitioner.phone or ""
        if len(phone) >= 4 and phone[-4:].isdigit():
            pairs.append((link.case.query_code, phone[-4:], link.case.number))
        if len(pairs) >= n:
            break
    return pairs


# --- submissions -------------------------------------------------------------------------------

def _code_for(phone: str) -> str:
    """The SMS code the site just queued for the phone, read from the outbox like
    the SMS gateway would get it (bench-only: nothing in the site exposes it).
    One SQL statement: this runs on the same 2 cores as the server."""
    import json

    from django.db import connection

    from xinfang.lib.crypto import index_field

    with connection.cursor() as cur:
        cur.execute(
            "SELECT m.payload FROM notifications_outboxmessage m WHERE m.dedupe_key = 'portal-verify:' ||"
            " CAST((SELECT v.id FROM portal_phoneverification v WHERE v.phone_index = %s"
            " ORDER BY v.created_at DESC LIMIT 1) AS text)", [index_field(phone)])
        payload = cur.fetchone()[0]
    return (json.loads(payload) if isinstance(payload, str) else payload)["code"]


def _submit_thread(port, ctx, wid, until, out):
    from django.db import connection

    from xinfang.lib.idcard import make_id_number

    rnd = random.Random(ctx["salt"] * 1000 + wid)
    res = {"ok": 0, "err": 0, "throttled": 0, "post_ms": [], "flow_ms": [], "sms_ms": [],
           "tokens": [], "errors": {}}
    ip_n, done_here = 0, 0
    b = Browser(port, f"127.{ctx['octet']}.{wid}.1")
    fixed = FixedForm({  # the same in every submission: encoded once
        "address": "无锡市梁溪区崇安寺街道中山路100号", "title": "小区电梯停运三个月无人维修",
        "content": "我们小区的电梯已经停运三个月，物业公司一直推诿，老人上下楼非常困难。",
        "demands": "要求物业尽快修复电梯", "purpose": "claim", "category": ctx["category"],
        "issue_address": "中山路100号", "pledge": "on"})

    def fail(kind: str, what: str):
        res[kind] += 1
        res["errors"][what] = res["errors"].get(what, 0) + 1

    i = 0
    try:
        while time.time() < until:
            if done_here >= PER_IP:
                ip_n, done_here = ip_n + 1, 0
                b.move_to(f"127.{ctx['octet']}.{wid}.{ip_n % 254 + 1}")
            done_here += 1
            i += 1
            phone = f"139{ctx['salt']:03d}{wid:02d}{i % 1000:03d}"  # 139: every number in the segment is valid
            t0 = time.perf_counter()
            try:
                s, _, html, _ = b.request("GET", "/petition/")
                if s != 200:
                    fail("err", f"form {s}")
                    continue
                csrf = CSRF_RE.search(html).group(1)
                sms_ch = re.search(r'data-challenge="([^"]+)"', html).group(1)
                s, _, body, ms_sms = b.request("POST", "/petition/sms-code/", {
                    "csrfmiddlewaretoken": csrf, "phone": phone, "challenge": sms_ch,
                    "solution": solve(sms_ch)})
                if s != 200:
                    fail("throttled" if s == 429 else "err", f"sms {s}: {body[:80]}")
                    continue
                ch = hidden(html, "pow_challenge")
                token = hidden(html, "client_token")
                birth = date(1950, 1, 1) + timedelta(days=rnd.randrange(20000))
                form = fixed.with_fields({
                    "csrfmiddlewaretoken": csrf, "client_token": token, "pow_challenge": ch,
                    "pow_solution": solve(ch), "sms_code": _code_for(phone),
                    "name": rnd.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]),
                    "id_number": make_id_number("320213", birth, rnd.randrange(1000)), "phone": phone,
                    "issue_region": rnd.choice(ctx["regions"]),
                })
                s, _, body, ms_post = b.request("POST", "/petition/", form)
                # The answer is the receipt itself (its own address in Content-Location).
                if s != 200 or "请抄写或拍照保存" not in body:
                    fail("throttled" if s == 429 else "err", f"post {s}")
                    if len(res["errors"]) < 20 and s == 400:
                        m = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>([^<]+)', body)
                        if m:
                            res["errors"][f"post 400: {m[0].strip()[:40]}"] = 1
                    continue
                res["ok"] += 1
                res["tokens"].append(token)
                res["post_ms"].append(ms_post)
                res["sms_ms"].append(ms_sms)
                res["flow_ms"].append((time.perf_counter() - t0) * 1000)
            except Exception as e:  # noqa: BLE001
                fail("err", type(e).__name__)
                b.close()
    finally:
        b.close()
        connection.close()
    out.append(res)


def _submit_proc(port, ctx, start_at, seconds, threads, pid, q):
    from django.db import connections

    connections.close_all()
    time.sleep(max(0.0, start_at - time.time()))
    out: list = []
    ts = [threading.Thread(target=_submit_thread, args=(port, ctx, pid * threads + i + 1, start_at + seconds, out))
          for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    q.put(out)


# --- driver ---

def _drive(target, procs, threads, seconds, args) -> list:
    from django.db import connections

    connections.close_all()  # no shared DB socket across fork
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    start_at = time.time() + 1.0
    ps = [ctx.Process(target=target, args=(*args, start_at, seconds, threads, i, q)) for i in range(procs)]
    for p in ps:
        p.start()
    results = []
    for _ in ps:
        results += q.get(timeout=seconds + 120)
    for p in ps:
        p.join()
    return results


def merge(results: list[dict], keys) -> dict:
    total: dict = {"errors": {}}
    for r in results:
        for k, v in r.items():
            if k == "errors":
                for e, n in v.items():
                    total["errors"][e] = total["errors"].get(e, 0) + n
            elif isinstance(v, list):
                total.setdefault(k, []).extend(v)
            else:
                total[k] = total.get(k, 0) + v
    for k in keys:
        total.setdefault(k, [])
    return total


def submissions(port: int, seconds: float, category: int, regions: list[str]) -> dict:
    from xinfang.cases.models import Case, Submission

    ctx = {"octet": random.randrange(10, 250), "salt": random.randrange(1000),
           "category": str(category), "regions": regions}
    before = Case.objects.count()
    s = merge(_drive(_submit_proc, SUBMIT_PROCS, SUBMIT_THREADS, seconds, (port, ctx)),
              ("post_ms", "flow_ms", "sms_ms", "tokens"))
    subs = Submission.objects.filter(client_token__in=s["tokens"])
    s["check"] = {
        "ok": s.get("ok", 0), "new_cases": Case.objects.count() - before, "submissions": subs.count(),
        "distinct_cases": subs.values("case").distinct().count(),
        # Every number as format_number writes it: nothing left unnumbered.
        "malformed": subs.exclude(case__number__regex=r"^[0-9]{6}-[0-9]{4}-[0-9]{6,}$").count(),
        "numbers": subs.values("case__number").distinct().count(),
    }
    s["rate"] = s.get("ok", 0) / seconds
    return s


# --- report ------------------------------------------------------------------------------------

def line(label: str, rate: float | None, values: list[float], unit: str = "/s") -> str:
    if not values:
        return f"  {label:<46} {'—':>9}"
    r = f"{rate:9.1f}{unit}" if rate is not None else " " * 11
    return (f"  {label:<46} {r}   p50 {statistics.median(values):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms"
            f"   max {max(values):7.1f} ms")


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def load() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def pow_cost(bits: int) -> float:
    """Milliseconds the bench client's solver needs on average for `bits` (2^bits hashes)."""
    base = hashlib.sha256(b"x" * 120 + b":")
    t, n = time.perf_counter(), 0
    while time.perf_counter() - t < 0.3:
        h = base.copy()
        h.update(str(n).encode())
        int.from_bytes(h.digest(), "big")
        n += 1
    return (time.perf_counter() - t) / n * (2 ** bits) * 1000


def server(workers: int, kind: str, threads: int):
    port = free_port()
    log = ROOT / "var" / "bench-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    return port, start_gunicorn(port, log, workers, kind, threads)


def sweep(pairs: list) -> None:
    """Worker models side by side on the baseline and tracking (short runs)."""
    print("\n-- gunicorn worker models (tracking and the empty view; 10 s each) --")
    configs = [(2, "sync", 1), (4, "sync", 1), (6, "sync", 1), (2, "gthread", 4), (4, "gthread", 4), (3, "gthread", 2),
               (3, "gthread", 1), (4, "gthread", 2)]
    for workers, kind, threads in configs:
        port, proc = server(workers, kind, threads)
        meter = CpuMeter(proc)
        try:
            base = baseline(port, 10, CONNS)
            meter.start()
            t = tracking(port, pairs, 10, CONNS)
            used = meter.stop()
        finally:
            stop_gunicorn(proc)
        label = f"-w {workers} -k {kind}" + (f" --threads {threads}" if kind == "gthread" else "")
        server_ms = sum(used[k] for k in ("gunicorn", "postgres", "redis")) / max(t["ok"], 1) * 1000
        print(f"  {label:<28} empty view {base['rate']:7.0f} req/s | tracking {t['rate']:6.1f} q/s"
              f" p50 {med(t['q']):6.1f} ms p95 {pct(t['q'], 0.95) if t['q'] else float('nan'):6.1f} ms"
              f" server CPU {server_ms:.1f} ms/q errors {t['err']} | load {load()}")


def forget_pages() -> None:
    """The cached case parts of the public pages (xinfang.portal.track_cache) in the bench's Redis."""
    import redis

    from xinfang.portal.track_cache import PREFIX

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{PREFIX}*", count=5000))
    for i in range(0, len(keys), 5000):
        client.delete(*keys[i:i + 5000])


def forget_limits() -> None:
    """Rate-limit counters of earlier bench runs (the bench's own Redis database)
    would throttle this one's source addresses within the hour."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match="*portal:rl:*", count=1000))
    if keys:
        client.delete(*keys)


def vacuum_written_tables() -> str | None:
    """VACUUM (ANALYZE) the tables the submissions write, if this server's
    autovacuum is off (as on the bench machine): the dead rows earlier bench
    runs left (consumed SMS codes, counters, cases registered by older code)
    would otherwise pile up run after run, a state no server with autovacuum
    (the default) stays in. A note for the output, or None."""
    from django.db import connection

    from xinfang.cases.models import Case, CaseCounter, Petitioner, Submission
    from xinfang.notifications.models import OutboxMessage
    from xinfang.portal.models import PhoneVerification

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return None
        tables = [m._meta.db_table for m in (Case, CaseCounter, Petitioner, Submission, OutboxMessage,
                                              PhoneVerification)]
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
    return f"autovacuum is off on this server: VACUUM (ANALYZE) of {', '.join(tables)} before measuring"


def run() -> None:
    from xinfang.cases.models import Category
    from xinfang.orgs.models import Org, OrgKind, Region

    try:
        import redis  # noqa: F401 - Django's RedisCache needs it; gunicorn workers share rate limits through it
    except ImportError:
        raise RuntimeError("the redis package is missing: .venv/bin/pip install redis") from None
    print("\n== public portal over HTTP: gunicorn + PostgreSQL + Redis, wrk for tracking ==")
    print(f"machine: {os.cpu_count()} cores, load average at start {load()} (shared machine: figures are noisy)")
    print(f"proof of work: {POW_BITS} bits for the bench. Production's 16 bits cost this client ~{pow_cost(16):.0f} ms"
          f" per challenge, 2 per submission, on the same 2 cores as the server (a browser spends its own CPU);"
          f" {POW_BITS} bits ~{pow_cost(int(POW_BITS)):.2f} ms")
    pin = f"gunicorn on CPUs {SERVER_CPUS or 'any'}, wrk on CPUs {CLIENT_CPUS or 'any'}"

    note = data_key_note()
    if note:
        print(note)
    forget_limits()
    vacuumed = vacuum_written_tables()
    if vacuumed:
        print(vacuumed)
    pairs = tracking_pairs(WARM_PAIRS)
    cold_pairs = tracking_pairs(COLD_PAIRS, seed=7)
    category = Category.objects.filter(parent__isnull=False).order_by("pk").values_list("pk", flat=True).first()
    # Petitions come from the whole city: the streets of every county whose bureau
    # takes online petitions. Numbers are handed out per county (gap-free, one
    # counter row each), so one county alone is the worst case: measured too.
    counties = set(Org.objects.filter(kind=OrgKind.BUREAU, is_active=True, region__level=3)
                   .values_list("region_id", flat=True))
    city = sorted(code for code in Region.objects.filter(code__startswith="3202", code__regex=r"^[0-9]{9}$")
                  .values_list("code", flat=True) if code[:6] in counties)
    one_county = ["320213021"] if Region.objects.filter(code="320213021").exists() else city[:1]
    if os.environ.get("BENCH_PORTAL_SWEEP"):
        sweep(pairs)

    port, proc = server(WORKERS, WORKER_CLASS, THREADS)
    label = f"-w {WORKERS} -k {WORKER_CLASS}" + (f" --threads {THREADS}" if WORKER_CLASS == "gthread" else "")
    if SERVER_ROOT != ROOT:
        print(f"serving the code in {SERVER_ROOT}")
    print(f"\ngunicorn -c config/gunicorn.py config.wsgi {label} (DEBUG=0, cache and sessions {REDIS_URL});"
          f" {pin}; {RUNS} runs × {SECONDS:.0f} s per phase")
    print(f"tracking: real (query code, last 4 digits) pairs from the bench database, {len(pairs)} (warm: the same"
          f" cases again and again) and {len(cold_pairs)} (cold: each about once); wrk with {CONNS}"
          f" keep-alive connections; one query = POST /track/ answered with the case page")
    print(f"submissions: {SUBMIT_PROCS * SUBMIT_THREADS} Python clients, whole flow each (form, SMS code, PoW, POST →"
          f" receipt), a unique phone and ID number each, a fresh source address every {PER_IP}; issue regions drawn"
          f" from the {len(city)} streets of {len(counties)} counties, then all in {one_county[0]} (one number counter)")
    results: list[dict] = []
    meter = CpuMeter(proc)
    b = Browser(port)  # the warm set is warm from the first run on: one query for each case
    for code, last4, _ in pairs:
        _, _, html, _ = b.request("GET", "/track/")
        b.request("POST", "/track/", {"csrfmiddlewaretoken": CSRF_RE.search(html).group(1),
                                      "query_code": code, "phone_last4": last4})
    b.close()

    def metered(fn, *args):
        meter.start()
        result = fn(*args)
        result["cpu"] = meter.stop()
        return result

    try:
        for i in range(RUNS):
            at = load()
            b = metered(baseline, port, SECONDS, CONNS) if "empty" in PHASES else None
            t = metered(tracking, port, pairs, SECONDS, CONNS) if "warm" in PHASES else None
            tc = None
            if "cold" in PHASES:
                forget_pages()  # cold means cold: no case part left in Redis from an earlier run
                tc = metered(tracking, port, cold_pairs, SECONDS, CONNS)
            s = metered(submissions, port, SECONDS, category, city) if "submit" in PHASES else None
            s1 = metered(submissions, port, SECONDS, category, one_county) if "county" in PHASES else None
            results.append({"empty": b, "warm": t, "cold": tc, "submit": s, "county": s1})
            print(f"\nrun {i + 1}  (load average {at})")
            if b:
                print(f"  {'empty view (stack ceiling, wrk)':<46} {b['rate']:9.1f}/s   p50 {b['p50']:7.1f} ms"
                      f"   p99 {b['p99']:7.1f} ms   errors {b['errors']}")
                print(cpu_line(b["cpu"], b["n"], "empty-view request"))
            if t:
                print(line("tracking queries (POST → case page)", t["rate"], t["q"]))
                ratio = f"; ratio to the empty view {t['rate'] / b['rate']:.2f}" if b else ""
                print(f"  tracking ok {t['ok']}, errors {t['err']} {t['kinds'] or ''}{ratio}")
                print(cpu_line(t["cpu"], t["ok"], "tracking query"))
            if tc:
                print(line(f"tracking, {len(cold_pairs)} cases (mostly cache misses)", tc["rate"], tc["q"]))
                print(f"  tracking ok {tc['ok']}, errors {tc['err']} {tc['kinds'] or ''}")
                print(cpu_line(tc["cpu"], tc["ok"], "tracking query (cold)"))
            if s:
                print(line("full submissions (whole flow, client incl.)", s["rate"], s["flow_ms"]))
                print(line("  POST /petition/ (final POST → receipt)", None, s["post_ms"]))
                print(line("  POST /petition/sms-code/", None, s["sms_ms"]))
                c = s["check"]
                same = c["ok"] == c["submissions"] == c["distinct_cases"] == c["numbers"] and not c["malformed"]
                print(f"  submissions ok {c['ok']}, throttled {s.get('throttled', 0)}, errors {s.get('err', 0)}"
                      f" {s['errors'] or ''}; check: {c['submissions']} stored with our tokens, {c['distinct_cases']}"
                      f" distinct cases, {c['numbers']} distinct numbers, {c['malformed']} malformed"
                      f" → {'OK, each exactly once' if same else 'MISMATCH'}")
                print(cpu_line(s["cpu"], s.get("ok", 0), "submission"))
            if s1:
                print(line("full submissions, all in one county", s1["rate"], s1["flow_ms"]))
                print(line("  POST /petition/ (final POST → receipt)", None, s1["post_ms"]))
                c1 = s1["check"]
                print(f"  submissions ok {c1['ok']}, errors {s1.get('err', 0)} {s1['errors'] or ''}; check:"
                      f" {c1['submissions']} stored, {c1['distinct_cases']} distinct cases, {c1['numbers']} distinct"
                      f" numbers")
                print(cpu_line(s1["cpu"], s1.get("ok", 0), "submission"))
    finally:
        stop_gunicorn(proc)
    print(f"\nmedians over {len(results)} runs (load average now {load()}):")
    print("  " + medians(results))


def medians(results: list[dict]) -> str:
    """One line: each phase's median rate and p95 over the runs."""
    def of(phase: str) -> list[dict]:
        return [r[phase] for r in results if r[phase] is not None]

    def p95(rs: list[dict], key: str) -> float:
        return med([pct(r[key], 0.95) for r in rs if r[key]])

    parts, errors = [], 0
    if of("empty"):
        parts.append(f"empty view {med([r['rate'] for r in of('empty')]):.0f} req/s")
    for phase, label in (("warm", "tracking warm"), ("cold", "cold")):
        if of(phase):
            parts.append(f"{label} {med([r['rate'] for r in of(phase)]):.1f} q/s, p95 {p95(of(phase), 'q'):.1f} ms")
            errors += sum(r["err"] for r in of(phase))
    for phase, label in (("submit", "submissions"), ("county", "all in one county")):
        if of(phase):
            parts.append(f"{label} {med([r['rate'] for r in of(phase)]):.1f}/s,"
                         f" final POST p95 {p95(of(phase), 'post_ms'):.1f} ms")
            errors += sum(r.get("err", 0) for r in of(phase))
    return "; ".join(parts) + f"; errors {errors}"

if __name__ == "__main__":
    sys.exit("run through bench/run.py or bench/portal_only.py")
