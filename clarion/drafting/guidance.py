"""The operator's editorial guidance: free text for the LLM, plus rules both drafters obey.

A guidance line that starts with one of these labels is a rule:

    Always demand: <a demand every draft carries>
    Avoid: <word>, <word>       words no draft may use
    Signature goal: <number>
    Closing: <a paragraph that ends every narrative>

Everything else is house style, passed verbatim to the LLM drafter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clarion.news.textnorm import fold, words

_RULE = re.compile(r"^\s*(always demand|avoid|signature goal|closing)\s*:\s*(.+?)\s*$", re.I)


@dataclass(frozen=True)
class Guidance:
    text: str = ""
    always_demand: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    signature_goal: int | None = None
    closing: str = ""

    @classmethod
    def parse(cls, text: str) -> Guidance:
        always, avoid, goal, closing = [], [], None, ""
        for line in text.splitlines():
            match = _RULE.match(line)
            if not match:
                continue
            label, value = match.group(1).lower(), match.group(2)
            if label == "always demand":
                always.append(value)
            elif label == "avoid":
                avoid.extend(fold(w).strip() for w in value.split(",") if w.strip())
            elif label == "signature goal":
                digits = re.sub(r"[^\d]", "", value)
                goal = int(digits) if digits and int(digits) > 0 else None
            else:
                closing = value
        return cls(text.strip(), always, avoid, goal, closing)

    def avoided_in(self, text: str) -> str:
        """The first avoided word or phrase the text uses, or ""."""
        if not self.avoid:
            return ""
        folded = f" {' '.join(words(text))} "
        for item in self.avoid:
            if f" {' '.join(words(item))} " in folded:
                return item
        return ""
