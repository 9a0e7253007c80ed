"""益创 Yichuang, the portal. Its factory is portal.app.create_app; the entries that build an app are
portal.wsgi (gunicorn), portal.worker (RQ jobs) and Flask's CLI (`flask --app portal.app`)."""
