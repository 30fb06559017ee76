"""The worker's memory while a coordinator keeps a 20 MB PDF with a case.

Fills a PostgreSQL database with the demo's people and cases, serves ecdop with gunicorn (one
worker, so that its memory is the one measured) in its production configuration, signs in as
the coordinator, keeps a small PDF once (so that everything an upload loads is loaded), then
resets the worker's peak resident memory (``/proc/PID/clear_refs``) and keeps a PDF just under
the 20 MB limit with the case. It prints the file's size, the worker's resident memory before,
its peak during the upload, and the peak's rise over the file's size: the goal is under 3.

    ECDOP_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python benchmarks/document_upload.py [--megabytes 19.5] [--runs 3]

Needs Linux (``/proc``) and Redis (``ECDOP_BENCH_REDIS_URL``, 6379/14 by default).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pikepdf
from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.http_pages import PASSWORD, Deployment, Person, csrf  # noqa: E402

REFERENCE = "DEMO-2026-0001"


def pdf_of(size: int) -> bytes:
    """A one-page PDF carrying ``size`` bytes or so of incompressible image data, as a scanned
    report does."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    side = int((size / 3) ** 0.5)
    image = pikepdf.Stream(pdf, secrets.token_bytes(side * side * 3))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height = side, side
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
    pdf.pages[0].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    output = io.BytesIO()
    pdf.save(output, compress_streams=False)
    return output.getvalue()


def multipart(fields: list[tuple[str, str]], content: bytes, filename: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def worker_pid(master: int) -> int:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True,  # noqa: S603,S607
                           check=True).stdout.split()  # fmt: skip
    if len(found) != 1:
        raise SystemExit(f"expected one gunicorn worker, found {found}")
    return int(found[0])


def memory_of(pid: int) -> dict[str, int]:
    """The process's resident memory now and at its peak, in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    values = {}
    for line in status.splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) * 1024
    return values


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def keep(person: Person, case_id: int, content: bytes, name: str) -> int:
    path = f"/cases/{case_id}/documents/new"
    _status, page, _headers = person.request(path)
    today = date.today()
    body, content_type = multipart(
        [("csrf_token", csrf(page)), ("kind", "final_post_mortem"),
         ("received_on", str(today.day)), ("received_on", str(today.month)),
         ("received_on", str(today.year))],
        content, name,
    )  # fmt: skip
    return person.post_raw(path, body, content_type)


def prepare(url: str) -> tuple[int, dict[str, str]]:
    """A fresh database with the demo's people (authenticator apps set) and its cases: the
    first case's id, and each person's authenticator secret."""
    import flask_migrate
    import pyotp
    from sqlalchemy import text

    from ecdop import create_app
    from ecdop.auth.models import User
    from ecdop.cases.models import Case
    from ecdop.demo import seed_demo, seed_demo_case
    from ecdop.foundation.extensions import db

    with create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url}).app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade()
        seed_demo(PASSWORD)
        seed_demo_case()
        codes = {}
        for user in db.session.scalars(select(User)):
            user.totp_secret = codes[user.email] = pyotp.random_base32()
            user.must_change_password = False
        db.session.commit()
        return db.session.scalar(select(Case.id).where(Case.reference == REFERENCE)), codes


class Uploader(Person):
    def post_raw(self, path: str, body: bytes, content_type: str) -> int:
        import urllib.error
        import urllib.request

        headers = self.headers() | {
            "Content-Type": content_type,
            "Referer": self.base.replace("http://", "https://") + path,
        }
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            answer = self.opener.open(request, timeout=300)
        except urllib.error.HTTPError as error:
            answer = error
        page = answer.read().decode()
        if answer.status >= 400:
            found = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
            print(
                "refused:",
                " ".join(re.sub(r"<[^>]+>", " ", found.group(1) if found else page[:300]).split()),
            )
        return answer.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=19.5)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    url = os.environ.get("ECDOP_BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        raise SystemExit("Set ECDOP_BENCH_DATABASE_URL to a PostgreSQL database it may wipe")
    redis_url = os.environ.get("ECDOP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

    case_id, secrets_by_email = prepare(url)
    content = pdf_of(int(arguments.megabytes * 2**20))
    deployment = Deployment(url, redis_url)
    deployment.environment["ECDOP_DOCUMENT_MAX_MB"] = "20"
    deployment.start_with_workers(1)
    try:
        worker = worker_pid(deployment.process.pid)
        coordinator = Uploader(deployment.base, "coordinator@demo.test",
                               secrets_by_email["coordinator@demo.test"])  # fmt: skip
        coordinator.sign_in()
        warmed = keep(coordinator, case_id, pdf_of(200_000), "warm-up.pdf")
        if warmed != 302:
            raise SystemExit(f"the warm-up upload was refused ({warmed}) for case {case_id}")
        print(f"A {len(content) / 2**20:.1f} MiB PDF, kept with a case by one gunicorn worker:")
        print(
            f"{'run':>4} {'RSS before':>12} {'peak':>12} {'rise':>12} {'rise/size':>10} {'time':>7}"
        )
        for run in range(1, arguments.runs + 1):
            before = memory_of(worker)["VmRSS"]
            reset_peak(worker)
            started = time.perf_counter()
            status = keep(coordinator, case_id, content, f"report-{run}.pdf")
            took = time.perf_counter() - started
            if status != 302:
                raise SystemExit(f"the upload was refused ({status})")
            peak = memory_of(worker)["VmHWM"]
            rise = peak - before
            print(f"{run:>4} {before / 2**20:>9.1f} MiB {peak / 2**20:>9.1f} MiB "
                  f"{rise / 2**20:>9.1f} MiB {rise / len(content):>10.2f} "
                  f"{took:>6.1f}s")  # fmt: skip
    finally:
        deployment.stop()


if __name__ == "__main__":
    main()
