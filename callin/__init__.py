"""callin: the live call-in show and its case tracker."""
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None):
    """Build the app: config, extensions, blueprints, the /live namespace, CLI commands."""
    from config import config_from_env

    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=str(ROOT / "instance"))
    app.config.from_object(config or config_from_env())
    from .web import IdConverter
    app.url_map.converters["id"] = IdConverter  # before any route uses <id:...>
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    _register_blueprints(app)
    from . import cli, errorpages, web
    errorpages.register(app)
    web.register(app)
    cli.register(app)
    return app


def _init_extensions(app):
    from . import models  # noqa: F401  (every table known before migrate/create_all)
    from .auth.loaders import install as install_loaders
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale, select_timezone

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_options(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    install_loaders(login_manager)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    bind_socketio(app)


def bind_socketio(app):
    """Attach the one SocketIO object to this app (tests switch between apps with this)."""
    from .extensions import socketio
    from .realtime.namespace import LiveNamespace
    from .realtime.rooms import NAMESPACE

    if not any(h.namespace == NAMESPACE for h in socketio.namespace_handlers):
        socketio.on_namespace(LiveNamespace(NAMESPACE))
    socketio.init_app(app, message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
                      channel=app.config["SOCKETIO_CHANNEL"],
                      async_mode=app.config["SOCKETIO_ASYNC_MODE"],
                      cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"))
    socketio.bound_app = app


def _sqlite_options(app):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record):
    """Foreign keys on, and WAL so that readers never block the writer."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL still survives a killed process; only a power cut can lose the
        # last commits. FULL would sync the disk on every commit and stall the eventlet server.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _register_blueprints(app):
    from case_admin import bp as case_admin_bp
    from cases_ui import bp as cases_ui_bp
    from complaints import bp as complaints_bp
    from hosts import bp as hosts_bp
    from office import bp as office_bp
    from producers import bp as producers_bp
    from stations import bp as stations_bp
    from tracking import bp as tracking_bp

    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .public import bp as public_bp

    for blueprint in (auth_bp, api_bp, admin_bp, public_bp, producers_bp, hosts_bp, cases_ui_bp,
                      tracking_bp, case_admin_bp, office_bp, complaints_bp, stations_bp):
        app.register_blueprint(blueprint)
