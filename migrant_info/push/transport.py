"""HTTP for the fan-out: one urllib3 connection pool per push-service origin, shared by every
worker thread and kept alive between messages.

requests cost about 0.7 ms of CPU per message here, a third of it re-reading proxy settings
from the environment for every request; the sender is GIL-bound, so that was most of its
budget. urllib3 (which requests itself uses) sends the same request for about 0.27 ms. The
environment (proxies, NO_PROXY, REQUESTS_CA_BUNDLE) is still honoured, read once per origin
the way requests reads it. Redirects are never followed and urllib3 never retries by itself:
the sender's own retry policy decides.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests
import urllib3
from requests.utils import DEFAULT_CA_BUNDLE_PATH, get_auth_from_url, select_proxy

# Network failures the sender retries (timeouts, refused or reset connections, bad replies).
NetworkError = urllib3.exceptions.HTTPError


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL: what a VAPID token and a connection pool are for."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Transport:
    """Keep-alive connection pools, `connections` per origin, safe to share between threads."""

    def __init__(self, connections: int, timeout: float):
        self.connections = connections
        self.timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self.managers: dict[str, urllib3.PoolManager] = {}
        self.lock = threading.Lock()

    def manager(self, origin: str) -> urllib3.PoolManager:
        """The pool manager for an origin: direct, or through the proxy the environment names."""
        with self.lock:
            found = self.managers.get(origin)
            if found is None:
                found = self.managers[origin] = self._make(origin)
            return found

    def _make(self, origin: str) -> urllib3.PoolManager:
        env = requests.Session().merge_environment_settings(origin, {}, None, None, None)
        verify = env["verify"] if isinstance(env["verify"], str) else DEFAULT_CA_BUNDLE_PATH
        where = {"ca_cert_dir": verify} if os.path.isdir(verify) else {"ca_certs": verify}
        options = dict(
            num_pools=4, maxsize=self.connections, block=True, retries=False,
            cert_reqs="CERT_REQUIRED", **where,
        )  # fmt: skip
        proxy = select_proxy(origin, env["proxies"])
        if not proxy:
            return urllib3.PoolManager(**options)
        user, password = get_auth_from_url(proxy)
        headers = urllib3.make_headers(proxy_basic_auth=f"{user}:{password}") if user else None
        return urllib3.ProxyManager(proxy, proxy_headers=headers, **options)

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> urllib3.BaseHTTPResponse:
        """POST once: no redirect followed, no retry; raises NetworkError when nothing came back."""
        return self.manager(origin_of(url)).request(
            "POST", url, body=body, headers=dict(headers), redirect=False, retries=False,
            timeout=self.timeout,
        )  # fmt: skip

    def close(self) -> None:
        """Close every pooled connection."""
        with self.lock:
            managers, self.managers = list(self.managers.values()), {}
        for manager in managers:
            manager.clear()
