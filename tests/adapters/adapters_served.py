"""A Flask app served over real HTTP on a free localhost port, for the HTTP mock tests."""

from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from adapters.mock.http_serving import release_held_requests
from adapters.mock.pittari_http import release_hanging_requests


class ServedApp:
    """A Flask app served by a werkzeug server on a free localhost port, in a thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        # A short poll interval keeps shutdown (in teardown) quick.
        self.server.serve_forever(poll_interval=0.02)

    def close(self) -> None:
        """Release held requests, stop serving and close the listening socket."""
        release_hanging_requests(self.app)
        release_held_requests(self.app)
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
