"""The WSGI entry: `gunicorn 'portal.wsgi:app'`."""
from .app import create_app

app = create_app()
