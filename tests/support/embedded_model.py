"""Whether the embedded model can run here: the ``local`` extra installed and the model file verified."""

from __future__ import annotations

import pytest

from diplo_extract.backends.model_store import model_info


def embedded_available() -> bool:
    """True where ``.ci/run`` has installed llama-cpp-python and the verified model."""
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    info = model_info()
    return info.exists and info.verified


needs_embedded_model = pytest.mark.skipif(not embedded_available(),
                                          reason="needs the local extra and `diplo-extract model install`")
