"""PDFs are rendered without fetching anything from outside the document."""

from __future__ import annotations

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from ecdop.foundation.extensions import db
from ecdop.foundation.pdf import render_pdf
from ecdop.meetings.pack import pack_for, pack_pdf
from tests.factories import form_data, notify, on_agenda, panel_meeting, ready_for_panel_case
from tests.pdf_checks import accessibility_problems, header_scopes

pytestmark = pytest.mark.slow


class CountingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


def test_external_resources_are_never_fetched():
    server = HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        pdf = render_pdf(
            f'<link rel="stylesheet" href="{base}/style.css">'
            f'<img src="{base}/tracker.png"><p style="background: url({base}/bg.png)">Hi</p>'
        )
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert CountingHandler.requests == []


def test_inline_data_is_allowed():
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    assert render_pdf(f'<img src="{pixel}">').startswith(b"%PDF")


def test_a_notification_receipt_is_an_accessible_tagged_pdf(make_browser):
    """The receipt had no structure tree, no MarkInfo, no DisplayDocTitle and no XMP."""
    police = make_browser("police@demo.test")
    receipt = police.submit("/notifications/new", form_data()).headers["Location"]
    pdf = police.get(f"{receipt}/receipt.pdf").data
    assert accessibility_problems(pdf) == []


def test_a_panel_pack_is_an_accessible_tagged_pdf(demo):
    meeting = panel_meeting()
    on_agenda(meeting, ready_for_panel_case())
    db.session.commit()
    assert accessibility_problems(pack_pdf(pack_for(meeting))) == []


def test_a_board_report_is_an_accessible_tagged_pdf_whose_header_cells_have_scope(app, demo):
    """The board reports' 177 header cells had no /Scope."""
    from ecdop.board_reports.models import BoardReport, ReportOrigin
    from ecdop.board_reports.services import generate_report
    from ecdop.foundation.periods import PeriodKind, last_closed
    from tests.factories import demo_area, user

    for n in range(8):
        notify(nhs_number=None, date_of_birth=date(2020, 1, n + 1),
               date_of_death=date(2026, 5, n + 1))  # fmt: skip
    quarter = last_closed(PeriodKind.QUARTERLY, date(2026, 11, 20), start_month=4)
    generate_report(quarter, [demo_area()], origin=ReportOrigin.ON_DEMAND,
                    actor=user("coordinator@demo.test"))  # fmt: skip
    db.session.commit()
    report = db.session.scalars(select(BoardReport)).one()
    assert accessibility_problems(report.pdf) == []
    scopes = header_scopes(report.pdf)
    assert "/Column" in scopes and "/Row" in scopes


def test_header_cells_head_their_column_in_a_table_head_and_their_row_elsewhere():
    pdf = render_pdf(
        "<html lang='en-GB'><head><title>Scopes</title></head><body><table>"
        "<thead><tr><th>Kind</th><th>Deaths</th></tr></thead>"
        "<tbody><tr><th scope='row'>Infection</th><td>7</td></tr></tbody></table></body></html>"
    )
    assert sorted(header_scopes(pdf)) == ["/Column", "/Column", "/Row"]
