"""Hot paths through gunicorn on PostgreSQL, on a generated district, beside the trivial
signed-in endpoint of the same app (not a test).

    createdb scale13_bench   # an empty database: migrated and generated on first use
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale13_bench \\
        .venv/bin/python bench/gunicorn_paths.py [--schools 5 --students 5000 --days 60]

Generates the district (`generate_district`, once per database), starts gunicorn with the
production settings (`--workers`, default 4; Redis cache at CACHE_URL, default DB 4), signs
in one teacher per class, the first school's counsellor and administrator and a district
administrator (sessions made in the database, as a sign-in would), then for each path
prints p50/p95 at 1 client (`--requests` in a row) and at `--clients` clients at once
(`--requests` each), with the server CPU per request at 1 client (gunicorn workers and
PostgreSQL backends, from /proc), only against 127.0.0.1 (`--only` runs some paths):

* session status (`/accounts/session/`): the trivial signed-in endpoint, the floor;
* check-in save: a teacher saves their whole homeroom (each client its own class);
* referral queue and a student's timeline (the first school's counsellor);
* school and district dashboards, warm (figures cached), and cold three ways, at 1 client:
  - "after one school's change" (district): before each request only the first school's
    figures version is dropped, as one check-in save that moves figures does (a referral it
    makes, a plan goal's average): the realistic case. The page is built again, computing
    that school's parts of each indicator and adding up the other schools' cached ones;
  - "after a change" ("every school changed" for the district): before each request every
    school's figures version is dropped, as if each school had just changed: every
    school's parts are computed again, but what a change of that kind leaves alone stays
    cached (each school's consent counts, under its consent version);
  - "empty cache": the whole cache (this benchmark's Redis database) is flushed before
    each request: nothing is cached, not even the reader's access scope — the worst case
    (after a deploy that flushes Redis, or at midnight for consent counts, which are kept
    per local date);
  each cold line times `--requests` / 3 requests (at least 5) after one untimed request
  that refills what that kind of cold keeps (the line before may have flushed it); a
  consent change of one school costs that school's consent derivation on top of "after a
  change" (about what its "empty cache" adds); `--only dashboards` runs these and the
  trivial endpoint alone.

At 1 client each line also gives the CPU time per request of the gunicorn workers and of
this database's PostgreSQL backends (from /proc: wall times are noisy on a shared machine).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import process_cpu  # noqa: E402

CODE = "bench13"
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
CACHE_URL = os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/4")
# --only NAME → a word in the labels of its paths
PATHS = {
    "save": "check-in save",
    "queue": "referral queue",
    "timeline": "student timeline",
    "dashboards": "dashboard",
}


def _setup(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from schoolwell.accounts import gate
    from schoolwell.accounts.models import User
    from schoolwell.referrals.demo import rules_install_defaults
    from schoolwell.referrals.models import Referral
    from schoolwell.roster.models import Class, District, School
    from schoolwell.roster.services import class_teachers, district_admin_add

    call_command("migrate", verbosity=0)
    if not District.objects.filter(code=CODE).exists():
        call_command("load_instruments", verbosity=0)
        started = time.perf_counter()
        call_command(
            "generate_district",
            schools=args.schools,
            students=args.students,
            days=args.days,
            seed=13,
            code=CODE,
        )
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    district = District.objects.get(code=CODE)
    # Each run starts from a vacuumed database: the saver corrects the same check-ins again
    # and again, and the dead row versions earlier runs left (too few for autovacuum) made
    # the save's PostgreSQL CPU grow from one run to the next.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    # A district generated before generate_district installed the shipped rules has none:
    # without them a save evaluates nothing (existing rules are left as they are).
    for each in School.objects.filter(district=district):
        rules_install_defaults(school=each)
    school = School.objects.filter(district=district).order_by("code").first()
    boss, created = User.objects.get_or_create(username=f"{CODE}-district-admin")
    if created:
        district_admin_add(district=district, user=boss)
    classes = list(
        Class.objects.filter(school__district=district).order_by("school__code", "pk")[
            : args.clients
        ]
    )

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    teachers = [(k.pk, session(class_teachers(k).first())) for k in classes]
    counsellor = gate.counsellors_of([school.pk]).order_by("pk").first()
    admin = gate.administrators_of([school.pk]).exclude(pk=boss.pk).order_by("pk").first()
    student_id = (
        Referral.objects.filter(school=school, status="in_progress")
        .order_by("pk")
        .values_list("student_id", flat=True)
        .first()
    )
    return {
        "school": school.pk,
        "student": student_id,
        "teachers": teachers,
        "counsellor": session(counsellor),
        "admin": session(admin),
        "district": session(boss),
    }


class Http:
    """One signed-in client: plain HTTP to gunicorn, as a TLS proxy forwards it."""

    def __init__(self, port: int, sessionid: str):
        self.port, self.cookies = port, {"sessionid": sessionid}

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": origin + path,
            "Origin": origin,
        }
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name in ("csrftoken", "sessionid"):
                self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response.status, text


def _timed(call, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _concurrent(calls, n: int) -> list[float]:
    found: list[float] = []
    lock = threading.Lock()

    def run(call):
        times = _timed(call, n)
        with lock:
            found.extend(times)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return found


def _summary(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  (n={len(times)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=5)
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--port", type=int, default=8713)
    parser.add_argument(
        "--only",
        nargs="+",
        choices=PATHS,
        help="only these paths (the trivial endpoint, the baseline, always runs)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (created, may be empty).")
    # This process makes the sessions gunicorn reads: the same settings and secret.
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "schoolwell.settings.production",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{args.port}",
        "CACHE_URL": CACHE_URL,
        "CELERY_BROKER_URL": CACHE_URL,
        "REQUIRE_2FA_FOR_STAFF": "0",
        "CONN_MAX_AGE": "600",
    }
    os.environ.update(env)
    world = _setup(args)
    import redis

    store = redis.Redis.from_url(CACHE_URL)
    store.flushdb()  # this benchmark's own Redis database: start with nothing cached
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env
    )
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "schoolwell.wsgi", "--bind"]
        + [f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--timeout", "120"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(120):
            try:
                if Http(args.port, "").request("GET", "/healthz")[0] in (200, 503):
                    break
            except OSError:
                time.sleep(0.5)
        _run(args, world, store, _cpu_meter(web.pid))
    finally:
        web.terminate()
        web.wait(30)


def _cpu_meter(gunicorn_pid: int):
    """A function returning the CPU seconds so far of gunicorn's workers and of the
    PostgreSQL backends connected to this database (the server runs on this machine)."""
    from django.db import connection

    def seconds(pid) -> float:
        return process_cpu(int(pid)) or 0.0  # 0: ended meanwhile

    def measure() -> tuple[float, float]:
        children = Path(f"/proc/{gunicorn_pid}/task/{gunicorn_pid}/children").read_text()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            backends = [row[0] for row in cursor.fetchall()]
        return sum(map(seconds, children.split())), sum(map(seconds, backends))

    return measure


def _run(args, world: dict, store, cpu) -> None:
    port, n, c = args.port, args.requests, args.clients
    words = ["trivial", *(PATHS[name] for name in args.only or PATHS)]

    def get(sessionid: str, path: str):
        client = Http(port, sessionid)

        def call():
            status, _ = client.request("GET", path)
            assert status == 200, (path, status)

        return call

    def saver(class_id: int, sessionid: str):
        client = Http(port, sessionid)
        path = f"/screening/classes/{class_id}/checkin/"
        status, page = client.request("GET", path)
        assert status == 200, (path, status)
        ids = sorted(set(re.findall(r'name="w-(\d+)"', page)))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        flip = [0]

        def call():
            flip[0] += 1
            fields = [f"csrfmiddlewaretoken={token}"]
            fields += [f"w-{sid}={3 + (int(sid) + flip[0]) % 3}" for sid in ids]
            status, _ = client.request("POST", path, "&".join(fields))
            assert status == 302, (path, status)

        return call

    def after_change(call, school: int | str = "*"):
        """Before each call, the figures version of `school` (every school: "*") dropped."""

        def run():
            keys = store.keys(f"*figures:version:{school}")
            if keys:
                store.delete(*keys)  # a dropped version comes back as a new one
            call()

        return run

    def empty_cache(call):
        def run():
            store.flushdb()
            call()

        return run

    paths = [
        ("session status (trivial)", [get(s, "/accounts/session/") for _, s in world["teachers"]]),
        ("check-in save (homeroom)", [saver(k, s) for k, s in world["teachers"]]),
        ("referral queue", [get(world["counsellor"], "/referrals/")] * c),
        (
            "student timeline",
            [get(world["counsellor"], f"/referrals/students/{world['student']}/timeline/")] * c,
        ),
        (
            "school dashboard (warm)",
            [get(world["admin"], f"/reports/school/{world['school']}/")] * c,
        ),
        ("district dashboard (warm)", [get(world["district"], "/reports/district/")] * c),
    ]

    def alone(call, n: int) -> str:
        before = cpu()
        times = _timed(call, n)
        app, db = (1000 * (b - a) / n for a, b in zip(before, cpu(), strict=True))
        return f"{_summary(times)}  cpu/request app {app:5.1f} ms db {db:5.1f} ms"

    print(f"gunicorn {args.workers} workers; load {os.getloadavg()[0]:.1f}", flush=True)
    for label, calls in paths:
        if not any(word in label for word in words):
            continue
        # Warm every worker (each compiles templates, loads instruments, connects once),
        # not just the one that happens to take the first request.
        for _ in range(3 * args.workers):
            calls[0]()
        single = alone(calls[0], n)
        together = _concurrent(calls[:c], max(3, n // 6))
        print(f"{label:<28} c=1  {single}   c={c}  {_summary(together)}", flush=True)
    school = get(world["admin"], f"/reports/school/{world['school']}/")
    district = get(world["district"], "/reports/district/")
    for label, call in [
        ("school dashboard (after a change)", after_change(school)),
        ("school dashboard (empty cache)", empty_cache(school)),
        (
            "district dashboard, after one school's change",
            after_change(district, world["school"]),
        ),
        ("district dashboard (every school changed)", after_change(district)),
        ("district dashboard (empty cache)", empty_cache(district)),
    ]:
        if not any(word in label for word in words):
            continue
        # Untimed: refills what this kind of cold leaves cached (the line before may have
        # flushed it), so "after a change" measures only what a change recomputes.
        call()
        print(f"{label:<42} c=1  {alone(call, max(5, n // 3))}", flush=True)
    print(f"load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
