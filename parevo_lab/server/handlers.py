"""HTTP handlers of the parevo_lab server extension.

Every handler is behind ``@tornado.web.authenticated`` and ``@authorized``, so the server's
authorizer can allow or refuse each ``parevo_lab:<thing>`` resource on its own.
"""

import json

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

#: All routes live below ``<base_url>/parevo-lab/``; the front end builds the same prefix.
URL_NAMESPACE = "parevo-lab"


class StatusHandler(APIHandler):
    """Tell the front end which parevo-lab it is talking to."""

    auth_resource = "parevo_lab:status"

    @tornado.web.authenticated
    @authorized
    def get(self):
        from .. import __version__

        self.finish(json.dumps({"name": "parevo-lab", "version": __version__, "ok": True}))


def setup_handlers(web_app):
    """Register the extension's routes on the server's tornado application."""
    base_url = web_app.settings["base_url"]
    handlers = [
        (url_path_join(base_url, URL_NAMESPACE, "status"), StatusHandler),
    ]
    web_app.add_handlers(".*$", handlers)
