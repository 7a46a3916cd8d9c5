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
        """A draft an editor would keep, for the Valparaíso water stories of the tests."""
        draft = {
            "title": "Ministry of Public Works must share the water cuts in Valparaíso fairly",
            "goal": (
                "We call on the Ministry of Public Works to share the water cuts in "
                "Valparaíso fairly and to publish the reservoir levels every week."
            ),
            "narrative": (
                "Harbourledger reported on 18 November 2026 that tap water in the "
                "Valparaíso region will be cut for twelve hours a day."
            ),
            "demands": [
                "Share the rationed tap water in Valparaíso fairly between homes and schools.",
                "Publish the reservoir levels of the Valparaíso region every week.",
                "Tell every home in Valparaíso when its tap water will be cut.",
            ],
            "fallback_demands": [],
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
