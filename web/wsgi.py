"""The WSGI app for a production server: ``gunicorn 'web.wsgi:app'``.

Settings come from the ``MADOGUCHI_`` environment variables (see the README); run
``madoguchi db upgrade`` first. With several gunicorn processes, set
``MADOGUCHI_WORKER=0`` and run ``madoguchi worker`` processes for the outbox.
"""

from __future__ import annotations

from web import create_app

app = create_app()
