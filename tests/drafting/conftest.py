"""A fake OpenAI-compatible chat endpoint on loopback, whose answer each test sets."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from tests.conftest import LoopbackServer


class FakeLLM(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.body: bytes = b"{}"
        self.delay = 0.0
        self.requests: list[dict] = []
        self.url = f"{self.base}/v1"

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length", "0"))
        payload = json.loads(request.rfile.read(length) or b"{}")
        self.requests.append(
            {"path": request.path, "headers": dict(request.headers), "json": payload}
        )
        time.sleep(self.delay)
        self.reply(request, self.status, self.body, {"Content-Type": "application/json"})

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
    with FakeLLM().running() as fake:
        yield fake
