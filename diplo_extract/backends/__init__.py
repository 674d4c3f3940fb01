"""Backends: one ``generate`` path (base), the embedded model, OpenAI-compatible endpoints, and how one is chosen."""
