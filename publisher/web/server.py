"""Run the Flask app on gunicorn: sync workers, app preloaded so data is validated and loaded once in the master."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from publisher.config import Settings
from publisher.web.app import create_app


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self._app, self._options = app, options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._app


def serve(settings: Settings) -> int:
    app = create_app(settings)
    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "sync",
        "preload_app": True,
        # A worker stuck longer than this is killed and replaced; SPARQL has its own, shorter limit.
        "timeout": int(settings.query_timeout) + 20,
        "accesslog": "-",
        "limit_request_line": 8190,
    }
    _Gunicorn(app, options).run()
    return 0
