"""Demo data (filled in by the demo task)."""
from __future__ import annotations


def load_demo(reset: bool = True) -> str:
    return "demo data: nothing yet"
