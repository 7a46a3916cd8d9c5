"""A fake OpenAI-compatible chat endpoint on loopback, whose answer each test sets."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class FakeLLM:
    def __init__(self) -> None:
        self.status = 200
        self.body: bytes = b"{}"
        self.delay = 0.0
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                payload = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": payload}
                )
                time.sleep(fake.delay)
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (timeout tests)
                    self.wfile.write(fake.body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def answer(self, content: str, *, finish_reason: str = "stop", **message) -> None:
        self.status = 200
        self.body = json.dumps(
            {
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": finish_reason,
                        "message": {"role": "assistant", "content": content, **message},
                    }
                ]
            }
        ).encode()

    def answer_draft(self, **overrides) -> dict:
        draft = {
            "title": "Ministry of Public Works: share the water fairly in Valparaíso",
            "goal": "We ask the Ministry of Public Works to ration water fairly and openly.",
            "narrative": "According to The Harbour Ledger, taps will run dry for twelve hours.",
            "demands": [
                "Protect supplies to homes, schools and clinics.",
                "Publish reservoir levels every week.",
                "Meet the farmers of the Aconcagua valley.",
            ],
            "targets": [{"name": "Ministry of Public Works", "kind": "office", "country": "cl"}],
            "categories": ["water", "not-a-category"],
            "countries": ["cl"],
        }
        draft.update(overrides)
        self.answer(json.dumps(draft))
        return draft


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    fake = FakeLLM()
    thread = threading.Thread(target=fake.httpd.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()
