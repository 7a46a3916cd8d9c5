"""How collected static files are stored: hashed names, a manifest, gzip copies."""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, pre-compressing with gzip only.

    Brotli (used whenever the package is installed, and WeasyPrint's font tools install
    it) at its highest setting took ~15 s of CPU for the admin's and API docs' scripts
    on every fresh collectstatic: every first start of `clarion serve`. gzip takes well
    under a second and every browser accepts it.
    """

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(**{**kwargs, "use_brotli": False})
