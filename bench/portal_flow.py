"""CPU per online petition, in one process, for comparing server changes.

The HTTP bench (portal_bench.py) shares 2 cores between gunicorn, PostgreSQL,
Redis and its clients, and this machine's speed drifts by ±20% within
minutes, so a change worth 3% is lost in its noise. This runs the same flow as
its clients (the form, an SMS code, the POST → the receipt) through Django's
WSGI handler in this process, one flow at a time, and reads the CPU this
process and its PostgreSQL backend spent per flow, by request:

    DATABASE_URL=postgres://…/xinfang_prof .venv/bin/python bench/portal_flow.py

FLOW_N flows per round (200), FLOW_ROUNDS rounds (5): medians. For an A/B, run
it alternately on two checkouts (FLOW_ROOT=/path/to/other/checkout) against
the same database and compare the medians of the pairs. FLOW_PROFILE=1 prints a
cProfile of CPU time instead. Needs Redis (the portal's limits and challenges)
and a migrated database with the demo loaded (`manage.py load_demo`)."""

import io
import os
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(os.environ.get("FLOW_ROOT", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
os.environ.update({
    "DJANGO_SETTINGS_MODULE": "bench.portal_settings", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_COOKIES": "0", "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1"),
    "PORTAL_POW_BITS": "8", "PORTAL_SMS_ECHO": "0", "LOG_LEVEL": "ERROR"})
os.environ.setdefault("SECRET_KEY", "bench-only-secret")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "00112233445566778899aabbccddeeff")

import django  # noqa: E402 - after the environment above

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402

from bench.browser import FixedForm  # noqa: E402
from bench.portal_bench import CSRF_RE, _code_for, forget_limits, hidden, solve  # noqa: E402
from xinfang.cases.models import Category  # noqa: E402
from xinfang.lib.idcard import make_id_number  # noqa: E402
from xinfang.orgs.models import Org, OrgKind, Region  # noqa: E402

RECEIPT_MARK = "请抄写或拍照保存"


class Flows:
    def __init__(self):
        self.app = WSGIHandler()
        counties = set(Org.objects.filter(kind=OrgKind.BUREAU, is_active=True, region__level=3)
                       .values_list("region_id", flat=True))
        self.regions = sorted(code for code in Region.objects.filter(code__startswith="3202", code__regex=r"^[0-9]{9}$")
                              .values_list("code", flat=True) if code[:6] in counties)
        category = Category.objects.filter(parent__isnull=False).order_by("pk").values_list("pk", flat=True).first()
        self.fixed = FixedForm({  # as portal_bench's clients send it
            "address": "无锡市梁溪区崇安寺街道中山路100号", "title": "小区电梯停运三个月无人维修",
            "content": "我们小区的电梯已经停运三个月，物业公司一直推诿，老人上下楼非常困难。",
            "demands": "要求物业尽快修复电梯", "purpose": "claim", "category": str(category),
            "issue_address": "中山路100号", "pledge": "on"})
        self.rnd = random.Random(1)
        self.salt = random.randrange(1000)
        self.done = 0
        self.cpu: dict[str, float] = {}  # seconds of this process's CPU, by request

    def call(self, method: str, path: str, ip: str, cookies: dict, body: str = "") -> tuple[int, str]:
        raw = body.encode()
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": ip,
            "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) portal-bench", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw)), "wsgi.errors": sys.stderr}
        if body:
            environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        if cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        answer: dict = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = int(status[:3]), headers

        t = time.process_time()
        chunks = self.app(environ, start_response)
        content = b"".join(chunks)
        chunks.close()
        key = f"{method} {path}"
        self.cpu[key] = self.cpu.get(key, 0.0) + time.process_time() - t
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                k, v = value.split(";", 1)[0].split("=", 1)
                cookies[k] = v
        return answer["status"], content.decode()

    def one(self) -> None:
        self.done += 1
        i = self.done
        ip = f"127.{i // 4000 % 250 + 1}.{i // 16 % 250}.{i % 16 + 1}"  # 16 flows per address: under its limits
        phone = f"139{self.salt:03d}{i % 100000:05d}"
        cookies: dict = {}
        status, html = self.call("GET", "/petition/", ip, cookies)
        if status != 200:
            raise RuntimeError(f"form: {status}")
        csrf = CSRF_RE.search(html).group(1)
        sms_challenge = re.search(r'data-challenge="([^"]+)"', html).group(1)
        status, body = self.call("POST", "/petition/sms-code/", ip, cookies, urlencode({
            "csrfmiddlewaretoken": csrf, "phone": phone, "challenge": sms_challenge,
            "solution": solve(sms_challenge)}))
        if status != 200:
            raise RuntimeError(f"SMS code: {status} {body[:200]}")
        pow_challenge = hidden(html, "pow_challenge")
        birth = date(1950, 1, 1) + timedelta(days=self.rnd.randrange(20000))
        form = self.fixed.with_fields({
            "csrfmiddlewaretoken": csrf, "client_token": hidden(html, "client_token"),
            "pow_challenge": pow_challenge, "pow_solution": solve(pow_challenge), "sms_code": _code_for(phone),
            "name": self.rnd.choice(["张伟", "王芳", "李娜"]), "phone": phone,
            "id_number": make_id_number("320213", birth, self.rnd.randrange(1000)),
            "issue_region": self.rnd.choice(self.regions)})
        status, body = self.call("POST", "/petition/", ip, cookies, form)
        if status != 200 or RECEIPT_MARK not in body:
            raise RuntimeError(f"petition: {status}")


def backend_cpu(pid: int) -> float:
    """Seconds of CPU the PostgreSQL backend `pid` has used (it runs on this machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> None:
    n, rounds = int(os.environ.get("FLOW_N", 200)), int(os.environ.get("FLOW_ROUNDS", 5))
    forget_limits()
    flows = Flows()
    for _ in range(20):  # warm: templates, prepared statements, the page cache
        flows.one()
    if os.environ.get("FLOW_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time)
        profile.runcall(lambda: [flows.one() for _ in range(n)])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    own, backend = [], []
    flows.cpu.clear()
    for _ in range(rounds):
        mine, theirs = sum(flows.cpu.values()), backend_cpu(pid)
        for _ in range(n):
            flows.one()
        own.append((sum(flows.cpu.values()) - mine) / n * 1000)
        backend.append((backend_cpu(pid) - theirs) / n * 1000)
    print(f"{ROOT}: {rounds} rounds × {n} flows (form, SMS code, POST → receipt), CPU ms per flow")
    print(f"  Django (this process): median {median(own):.2f}  rounds {' '.join(f'{x:.2f}' for x in own)}")
    print(f"  PostgreSQL backend:    median {median(backend):.2f}  rounds {' '.join(f'{x:.2f}' for x in backend)}"
          "  (includes the client's one read of the SMS code)")
    for key, seconds in flows.cpu.items():
        print(f"  {key:<26} {seconds / (n * rounds) * 1000:.2f}")


if __name__ == "__main__":
    main()
