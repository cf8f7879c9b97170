"""Public portal under load: gunicorn + PostgreSQL + Redis, driven over real HTTP.

Tracking queries (query code + last 4 phone digits → case page) and full online
submissions (form → SMS code → proof of work → POST → receipt), each for a
fixed duration with concurrent keep-alive clients (Python, http.client, in
several processes so the client is not bound by one GIL). The client runs on
the same 2-core machine as the server: it competes with it for CPU.

Per-IP rate limits (20 submissions and 20 SMS codes per IP per hour) are kept
as they are: each client binds its socket to its own loopback source address
(127.a.b.c, all on this machine) and moves to a fresh one before reaching them.
"""

import http.client
import multiprocessing as mp
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from bench.stats import pct

ROOT = Path(__file__).resolve().parent.parent
WORKERS, THREADS = 4, 4
TRACK_SECONDS = float(os.environ.get("BENCH_PORTAL_TRACK_SECONDS", 20))
SUBMIT_SECONDS = float(os.environ.get("BENCH_PORTAL_SUBMIT_SECONDS", 20))
TRACK_PROCS, TRACK_THREADS = 4, 8      # 32 connections
SUBMIT_PROCS, SUBMIT_THREADS = 4, 4    # 16 clients
POW_BITS = os.environ.get("BENCH_PORTAL_POW_BITS", "8")
PER_IP = 18  # submissions per source address (limits: 20 per IP per hour for SMS codes and for posts)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    if not m:
        raise RuntimeError(f"no hidden field {name}")
    return m.group(1)


# --- a small keep-alive browser -------------------------------------------------------------------

class Browser:
    def __init__(self, port: int, source: str = "127.0.0.1"):
        self.port, self.source, self.cookies, self.conn = port, source, {}, None

    def move_to(self, source: str) -> None:
        self.source, self.cookies = source, {}
        self.close()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str, float]:
        from urllib.parse import urlencode

        body = urlencode(form) if form is not None else None
        headers = {"Host": "127.0.0.1", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) portal-bench"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        t = time.perf_counter()
        for attempt in range(2):  # a keep-alive connection the server closed: reconnect once
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                                       source_address=(self.source, 0))
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest):
                self.close()
                if attempt:
                    raise
                t = time.perf_counter()
        ms = (time.perf_counter() - t) * 1000
        for c in resp.msg.get_all("Set-Cookie") or []:
            name, _, value = c.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, {"location": resp.getheader("Location", "")}, data, ms


# --- gunicorn ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": os.environ["DATABASE_URL"], "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0", "SECRET_KEY": os.environ["SECRET_KEY"],
        "FIELD_ENCRYPTION_KEY": os.environ["FIELD_ENCRYPTION_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_COOKIES": "0", "REDIS_URL": REDIS_URL,
        "PORTAL_POW_BITS": POW_BITS, "PORTAL_SMS_ECHO": "0", "LOG_LEVEL": "ERROR",
    })
    return env


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-w", str(WORKERS), "-k", "gthread",
           "--threads", str(THREADS), "-b", f"127.0.0.1:{port}"]
    out = open(log, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, cwd=ROOT, env=server_env(), stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {log}")
        try:
            if Browser(port).request("GET", "/track/")[0] == 200:
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


# --- tracking ----------------------------------------------------------------------------------

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


def tracking_pairs(n: int = 200) -> list[tuple[str, str, str]]:
    from xinfang.cases.models import Case, CasePetitioner

    lo_hi = Case.objects.order_by("pk").values_list("pk", flat=True)
    lo, hi = lo_hi.first(), Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    rnd = random.Random(42)
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


def _track_thread(port, pairs, until, out, seed):
    rnd = random.Random(seed)
    b = Browser(port)
    res = {"ok": 0, "throttled": 0, "err": 0, "q_ms": [], "post_ms": [], "get_ms": [], "errors": {}}
    try:
        status, _, html, _ = b.request("GET", "/track/")
        csrf = CSRF_RE.search(html).group(1)
        while time.time() < until:
            code, last4, number = rnd.choice(pairs)
            t = time.perf_counter()
            try:
                s1, h1, body, ms1 = b.request("POST", "/track/", {"csrfmiddlewaretoken": csrf, "query_code": code,
                                                                  "phone_last4": last4})
                if s1 != 302:
                    kind = "throttled" if "次数过多" in body else "err"
                    res[kind] += 1
                    res["errors"][f"POST {s1}"] = res["errors"].get(f"POST {s1}", 0) + 1
                    continue
                s2, _, page, ms2 = b.request("GET", h1["location"])
                if s2 == 200 and f'data-testid="case-number">{number}<' in page:
                    res["ok"] += 1
                    res["q_ms"].append((time.perf_counter() - t) * 1000)
                    res["post_ms"].append(ms1)
                    res["get_ms"].append(ms2)
                else:
                    res["err"] += 1
                    res["errors"][f"GET {s2}"] = res["errors"].get(f"GET {s2}", 0) + 1
            except Exception as e:  # noqa: BLE001
                res["err"] += 1
                res["errors"][type(e).__name__] = res["errors"].get(type(e).__name__, 0) + 1
                b.close()
    finally:
        b.close()
    out.append(res)


def _track_proc(port, pairs, start_at, seconds, threads, pid, q):
    time.sleep(max(0.0, start_at - time.time()))
    out: list = []
    ts = [threading.Thread(target=_track_thread, args=(port, pairs, start_at + seconds, out, pid * 100 + i))
          for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    q.put(out)


# --- submissions -------------------------------------------------------------------------------

def _code_for(phone: str) -> str:
    from xinfang.lib.crypto import index_field
    from xinfang.notifications.models import OutboxMessage
    from xinfang.portal.models import PhoneVerification

    pk = PhoneVerification.objects.filter(phone_index=index_field(phone)).order_by("-created_at") \
        .values_list("pk", flat=True).first()
    return OutboxMessage.objects.get(dedupe_key=f"portal-verify:{pk}").payload["code"]


def _submit_thread(port, ctx, wid, until, out):
    from django.db import connection

    from xinfang.lib.idcard import make_id_number
    from xinfang.portal import challenge

    rnd = random.Random(ctx["salt"] * 1000 + wid)
    res = {"ok": 0, "err": 0, "throttled": 0, "post_ms": [], "flow_ms": [], "sms_ms": [], "receipt_ms": [],
           "tokens": [], "errors": {}}
    ip_n, done_here = 0, 0
    b = Browser(port, f"127.{ctx['octet']}.{wid}.1")

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
            phone = f"1{ctx['second']}{ctx['salt']:03d}{wid:02d}{i:04d}"
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
                    "solution": challenge.solve(sms_ch)})
                if s != 200:
                    fail("throttled" if s == 429 else "err", f"sms {s}")
                    continue
                ch = hidden(html, "pow_challenge")
                token = hidden(html, "client_token")
                birth = date(1950, 1, 1) + timedelta(days=rnd.randrange(20000))
                form = {
                    "csrfmiddlewaretoken": csrf, "client_token": token, "pow_challenge": ch,
                    "pow_solution": challenge.solve(ch), "sms_code": _code_for(phone),
                    "name": rnd.choice(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"]),
                    "id_number": make_id_number("320213", birth, rnd.randrange(1000)), "phone": phone,
                    "address": "无锡市梁溪区崇安寺街道中山路100号", "title": "小区电梯停运三个月无人维修",
                    "content": "我们小区的电梯已经停运三个月，物业公司一直推诿，老人上下楼非常困难。",
                    "demands": "要求物业尽快修复电梯", "purpose": "claim", "category": ctx["category"],
                    "issue_region": ctx["region"], "issue_address": "中山路100号", "pledge": "on",
                }
                s, h, body, ms_post = b.request("POST", "/petition/", form)
                if s != 302 or "/petition/receipt/" not in h["location"]:
                    fail("throttled" if s == 429 else "err", f"post {s}")
                    if len(res["errors"]) < 20 and s == 400:
                        m = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>([^<]+)', body)
                        if m:
                            res["errors"][f"post 400: {m[0].strip()[:40]}"] = 1
                    continue
                s, _, page, ms_rec = b.request("GET", h["location"])
                if s != 200 or "请抄写或拍照保存" not in page:
                    fail("err", f"receipt {s}")
                    continue
                res["ok"] += 1
                res["tokens"].append(token)
                res["post_ms"].append(ms_post)
                res["sms_ms"].append(ms_sms)
                res["receipt_ms"].append(ms_rec)
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


# --- driver ------------------------------------------------------------------------------------

def _drive(target, procs, threads, seconds, args) -> tuple[list, float]:
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
    return results, seconds


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


def line(label: str, rate: float | None, values: list[float], unit: str = "/s") -> str:
    if not values:
        return f"  {label:<44} {'—':>9}"
    r = f"{rate:9.1f}{unit}" if rate is not None else " " * 11
    return (f"  {label:<44} {r}   p50 {statistics.median(values):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms"
            f"   max {max(values):7.1f} ms")


def pow_cost(bits: int) -> float:
    from xinfang.portal.challenge import solves

    t, n = time.perf_counter(), 0
    while time.perf_counter() - t < 0.3:
        solves("x" * 120, str(n), 256)
        n += 1
    return (time.perf_counter() - t) / n * (2 ** bits) * 1000


def run() -> None:
    from xinfang.cases.models import Case, Category, Submission
    from xinfang.orgs.models import Region

    try:
        import redis  # noqa: F401 - Django's RedisCache needs it; gunicorn workers share rate limits through it
    except ImportError:
        raise RuntimeError("the redis package is missing: .venv/bin/pip install redis") from None
    load = os.getloadavg()
    print("\n== public portal over HTTP: gunicorn + PostgreSQL + Redis ==")
    print(f"machine: {os.cpu_count()} cores, load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
          " (shared machine: figures are noisy)")
    cost16, cost_b = pow_cost(16), pow_cost(int(POW_BITS))
    print(f"proof of work: {POW_BITS} bits for the bench (default 16 costs the Python client ~{cost16:.0f} ms"
          f" per challenge, 2 per submission, on the same 2 cores as the server; {POW_BITS} bits ~{cost_b:.1f} ms)")

    note = data_key_note()
    if note:
        print(note)
    pairs = tracking_pairs(200)
    category = Category.objects.filter(parent__isnull=False).order_by("pk").values_list("pk", flat=True).first()
    region = "320213021" if Region.objects.filter(code="320213021").exists() else \
        Region.objects.filter(code__startswith="320213", code__regex=r"^[0-9]{9}$").values_list("code", flat=True).first()
    port = free_port()
    log = ROOT / "var" / "bench-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    proc = start_gunicorn(port, log)
    try:
        print(f"gunicorn config.wsgi -w {WORKERS} -k gthread --threads {THREADS} on 127.0.0.1:{port}"
              f" (DEBUG=0, cache {REDIS_URL}); log {log.relative_to(ROOT)}")

        # warm-up: every worker imports, connects and renders once
        for path in ("/track/", "/petition/") * 8:
            Browser(port).request("GET", path)

        tr, secs = _drive(_track_proc, TRACK_PROCS, TRACK_THREADS, TRACK_SECONDS, (port, pairs))
        t = merge(tr, ("q_ms", "post_ms", "get_ms"))

        cases_before = Case.objects.count()
        ctx = {"octet": random.randrange(10, 250), "salt": random.randrange(1000), "second": random.choice("35789"),
               "category": str(category), "region": region}
        sr, ssecs = _drive(_submit_proc, SUBMIT_PROCS, SUBMIT_THREADS, SUBMIT_SECONDS, (port, ctx))
        s = merge(sr, ("post_ms", "flow_ms", "sms_ms", "receipt_ms", "tokens"))
        cases_after = Case.objects.count()
        subs = Submission.objects.filter(client_token__in=s["tokens"])
        n_subs, n_cases = subs.count(), subs.values("case").distinct().count()
    finally:
        stop_gunicorn(proc)

    print(f"\ntracking: {len(pairs)} real (query code, last 4 digits) pairs, "
          f"{TRACK_PROCS * TRACK_THREADS} keep-alive connections, {secs:.0f} s;"
          " one query = POST /track/ → 302 → GET case page")
    print(line("tracking queries (POST + case page)", t.get("ok", 0) / secs, t["q_ms"]))
    print(line("  POST /track/ alone", None, t["post_ms"]))
    print(line("  GET /track/<key>/ alone", None, t["get_ms"]))
    print(f"  ok {t.get('ok', 0)}, throttled {t.get('throttled', 0)}, errors {t.get('err', 0)} {t['errors'] or ''}")

    print(f"\nsubmissions: {SUBMIT_PROCS * SUBMIT_THREADS} clients, {ssecs:.0f} s, a unique phone and ID number each,"
          f" a fresh loopback source address every {PER_IP} submissions;"
          " flow = GET form → SMS code → read code (DB) → PoW → POST → receipt")
    print(line("full submissions (whole flow, client time incl.)", s.get("ok", 0) / ssecs, s["flow_ms"]))
    print(line("  POST /petition/ (final POST)", None, s["post_ms"]))
    print(line("  POST /petition/sms-code/", None, s["sms_ms"]))
    print(line("  GET receipt", None, s["receipt_ms"]))
    print(f"  ok {s.get('ok', 0)}, throttled {s.get('throttled', 0)}, errors {s.get('err', 0)} {s['errors'] or ''}")
    ok = s.get("ok", 0)
    same = cases_after - cases_before == ok == n_subs == n_cases
    print(f"  check: new cases {cases_after - cases_before}, submissions with our tokens {n_subs} (distinct cases"
          f" {n_cases}), successful clients {ok} → {'OK, none lost, no duplicates' if same else 'MISMATCH'}")
    if not same:
        print("  (new cases can differ if anything else writes to the bench database meanwhile)")


if __name__ == "__main__":
    sys.exit("run through bench/run.py or bench/portal_only.py")
