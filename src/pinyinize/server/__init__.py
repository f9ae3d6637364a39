"""The web service: a JSON API and a web page, the work done in worker processes.

Needs the ``serve`` extra (``pip install 'pinyinize[serve]'``); ``pinyinize serve`` starts it.
"""

from __future__ import annotations

from pinyinize.server.app import Limits, create_app

__all__ = ["Limits", "create_app", "serve"]


def serve(host: str = "127.0.0.1", port: int = 8000, limits: Limits | None = None) -> None:
    """Serve the application with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(limits=limits), host=host, port=port, log_level="info")
