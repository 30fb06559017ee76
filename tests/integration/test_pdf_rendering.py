"""PDFs are rendered without fetching anything from outside the document."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ecdop.pdf import render_pdf

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
