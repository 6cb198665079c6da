"""migrant_info: plain, trustworthy, multilingual information for people migrating for work."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    api,
    cli,
    config,
    content,
    db,
    editor,
    http,
    i18n,
    links,
    locales,
    pagecache,
    push,
    stats,
)


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints and commands."""
    instance = (test_config or {}).get("INSTANCE_DIR") or config.instance_dir()
    app = Flask(
        __name__,
        instance_path=str(instance),
        instance_relative_config=True,
        static_folder=str(config.ROOT / "static"),
    )
    app.url_map.strict_slashes = True
    app.url_map.converters["lang"] = locales.LangConverter
    config.load(app, test_config)
    i18n.init_app(app)
    # First registered, so its after_request hook sees the finished response; its WSGI layer
    # sits inside ProxyFix, so it sees the client's host as Flask does.
    pagecache.init_app(app)
    if app.config["PROXY_COUNT"]:
        # Trust X-Forwarded-* only from the configured number of proxies in front (a CDN,
        # nginx); without this setting the headers are ignored, so clients cannot spoof them.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    http.init_app(app)
    content.init_app(app)
    db.init_app(app)
    links.init_app(app)
    push.init_app(app)
    editor.init_app(app)
    stats.init_app(app)

    from .links import bp as links_bp
    from .offline import bp as offline_bp
    from .site import bp as site_bp
    from .tools import bp as tools_bp

    app.register_blueprint(site_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(tools_bp)
    app.register_blueprint(links_bp)
    app.register_blueprint(push.bp)
    app.register_blueprint(api.bp)
    cli.init_app(app)
    return app
