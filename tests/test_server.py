"""The parevo_lab server extension: routes answer, and only to authenticated users."""

import json
import warnings

import pytest
from jupyter_server.utils import JupyterServerAuthWarning
from tornado.httpclient import HTTPClientError

import parevo_lab

ONLY_OUR_EXTENSION = {
    "parevo_lab": True,
    # pytest-jupyter adds the terminals extension unless it is named here.
    "jupyter_server_terminals": False,
}


@pytest.fixture
def jp_server_config():
    return {
        "ServerApp": {
            "jpserver_extensions": dict(ONLY_OUR_EXTENSION),
            "allow_unauthenticated_access": False,
        }
    }


async def test_status_reports_name_and_version(jp_fetch):
    response = await jp_fetch("parevo-lab", "status")

    assert response.code == 200
    assert json.loads(response.body) == {
        "name": "parevo-lab",
        "version": parevo_lab.__version__,
        "ok": True,
    }


async def test_status_refuses_a_request_without_token(http_server_client, jp_base_url):
    url = f"{jp_base_url.rstrip('/')}/parevo-lab/status"

    with pytest.raises(HTTPClientError) as refused:
        await http_server_client.fetch(url, follow_redirects=False)

    # API handlers answer 403; a page handler would redirect to the login page.
    assert refused.value.code in (302, 403)


def test_every_handler_requires_authentication(jp_configurable_serverapp):
    """The extension template's check_auth: a handler without an auth decorator warns at load."""
    config = {
        "ServerApp": {
            "jpserver_extensions": dict(ONLY_OUR_EXTENSION),
            "allow_unauthenticated_access": False,
            "reraise_server_extension_failures": True,
        }
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = jp_configurable_serverapp(config=config)

    assert "parevo_lab" in app.extension_manager.extensions
    assert app.extension_manager.extensions["parevo_lab"].enabled
    auth_warnings = [w for w in caught if issubclass(w.category, JupyterServerAuthWarning)]
    assert auth_warnings == [], [str(w.message) for w in auth_warnings]
