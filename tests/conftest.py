"""Fixtures: a fresh app and database per test, on SQLite and on the local PostgreSQL."""
import os

import pytest
from flask import g

from callin import bind_socketio, create_app
from callin.extensions import db, socketio
from config import TestingConfig

from . import factories
from .factories import PASSWORD

POSTGRES_URL = os.environ.get("CALLIN_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test"
                              "?options=-c%20synchronous_commit%3Doff")
REDIS_URL = os.environ.get("CALLIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = bool(os.environ.get("CI"))
ANONYMOUS = "anonymous"


def need(service, available, why):
    """Skip (or, under CI, fail) a test whose service is missing, saying which and why."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{service} is required under CI but is not available: {why}")
    pytest.skip(f"{service} not available on this machine: {why}")


def postgres_problem(url=POSTGRES_URL):
    """None when PostgreSQL answers at `url`, else the reason it does not."""
    import psycopg2
    try:
        psycopg2.connect(url.replace("postgresql://", "postgresql://", 1), connect_timeout=3).close()
    except Exception as error:  # any failure means "not available"
        return str(error).strip()
    return None


def redis_problem(url=REDIS_URL):
    """None when Redis answers at `url`, else the reason it does not."""
    import redis
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as error:
        return str(error).strip()
    return None


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request):
    """Each test that uses the database runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return "sqlite://"
    problem = postgres_problem()
    need("PostgreSQL", problem is None, problem)
    # A database of this run's own, made on the server of `test`, so parallel runs never collide.
    from .servers import drop_postgres_database, fresh_postgres_database
    name = f"callin_pytest_{os.getpid()}"
    admin_url, _, options = POSTGRES_URL.partition("?")
    url = fresh_postgres_database(name, admin_url)
    request.addfinalizer(lambda: drop_postgres_database(name, admin_url))
    return url + ("?" + options if options else "")


def _clear(engine):
    tables = list(reversed(db.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def session_app(database_url):
    """One app per backend for the whole run; its tables are emptied after every test."""
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Config)

    @app.before_request
    def _forget_cached_user():
        # Tests hold one app context open, so `g` outlives a request; a real request starts clean.
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(session_app):
    if getattr(socketio, "bound_app", None) is not session_app:
        bind_socketio(session_app)
    saved = dict(session_app.config)
    with session_app.app_context():
        yield session_app
        db.session.remove()
        _clear(db.engine)
    session_app.config.clear()
    session_app.config.update(saved)


@pytest.fixture(scope="session")
def plain_app():
    """An app with no database in use, for pure tests that need translations only."""
    app = create_app(TestingConfig)
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ref(app):
    """A small set of reference data: two departments, two towns, a category tree."""
    return factories.make_reference()


@pytest.fixture
def users(app, ref):
    """One user per role, named after the role; the guest belongs to department A."""
    return factories.make_users(ref)


@pytest.fixture
def login_as(app, users):
    """A test client logged in as the user of a role."""
    def login(role):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(users[role].id)
            session["_fresh"] = True
        return client
    return login


@pytest.fixture
def live_show(app, users, ref):
    return factories.make_show(users["producer"], ref.dept_a, live=True)


@pytest.fixture
def socket_client(app):
    """A Socket.IO test client on /live, logged in through a Flask test client or a token."""
    clients = []

    def connect(flask_client=None, auth=None):
        sio = socketio.test_client(app, namespace="/live", flask_test_client=flask_client,
                                   auth=auth)
        clients.append(sio)
        return sio
    yield connect
    for sio in clients:
        if sio.is_connected("/live"):
            sio.disconnect("/live")


@pytest.fixture
def api(app, users):
    """Request helper: api(role)(method, path, json) with that role's bearer token."""
    tokens = {}

    def for_role(role):
        client = app.test_client()

        def send(method, path, body=None):
            headers = {}
            if role != ANONYMOUS:
                if role not in tokens:
                    answer = client.post("/api/v1/auth/token",
                                         json={"username": role, "password": PASSWORD})
                    tokens[role] = answer.json["token"]
                headers["Authorization"] = "Bearer " + tokens[role]
            return client.open(path, method=method, json=body, headers=headers)
        return send
    return for_role
