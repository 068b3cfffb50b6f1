"""CLI commands and migrations: the database the migrations build is the one the models describe."""
import os

import pytest
from sqlalchemy import create_engine, inspect

from .conftest import POSTGRES_URL, need, postgres_problem
from .servers import drop_postgres_database, fresh_postgres_database, run_flask


def _compare_with_models(url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from callin.extensions import db
    from callin.models.base import include_in_schema_compare
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_in_schema_compare})
        diff = compare_metadata(context, db.metadata)
    engine.dispose()
    return diff


def test_migrations_build_the_model_schema_on_sqlite(plain_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    run_flask(["db", "upgrade"], {"DATABASE_URL": url})
    assert _compare_with_models(url) == []
    assert "calls" in inspect(create_engine(url)).get_table_names()


def test_migrations_build_the_model_schema_on_postgresql(plain_app):
    admin_url = POSTGRES_URL.split("?")[0]
    problem = postgres_problem(admin_url)
    need("PostgreSQL", problem is None, problem)
    name = f"callin_migrate_{os.getpid()}"
    url = fresh_postgres_database(name, admin_url)
    try:
        run_flask(["db", "upgrade"], {"DATABASE_URL": url})
        assert _compare_with_models(url) == []
    finally:
        drop_postgres_database(name, admin_url)


def test_bootstrap_loads_the_demo_once_and_prints_logins(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "DEMO_PASSWORD": "demo-pass-1"}
    first = run_flask(["bootstrap"], env)
    assert "demo data loaded" in first.stdout
    for role in ("admin", "producer", "host", "guest", "office", "department", "station", "field"):
        assert role in first.stdout
    assert "demo-pass-1" in first.stdout
    second = run_flask(["bootstrap"], env)
    assert "demo data loaded" not in second.stdout
    again = run_flask(["seed-demo"], env, check=False)
    assert again.returncode != 0 and "already has users" in again.stderr


def test_demo_has_a_live_show_with_calls_in_every_live_state(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    run_flask(["bootstrap"], env)
    engine = create_engine(env["DATABASE_URL"])
    with engine.connect() as connection:
        live = connection.exec_driver_sql(
            "SELECT id, lines_open FROM shows WHERE state = 'live'").all()
        assert len(live) == 1 and live[0][1]
        states = {row[0] for row in connection.exec_driver_sql(
            f"SELECT state FROM calls WHERE show_id = {live[0][0]}")}
        departments = connection.exec_driver_sql("SELECT count(*) FROM departments").scalar()
    engine.dispose()
    assert states >= {"ringing", "screening", "ready", "on_air", "done", "abandoned", "rejected"}
    assert departments >= 90


def test_create_user_command(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'users.sqlite3'}"}
    run_flask(["db", "upgrade"], env)
    made = run_flask(["create-user", "wang", "--role", "producer", "--password", "long-password"],
                     env)
    assert "created wang (producer)" in made.stdout
    taken = run_flask(["create-user", "wang", "--role", "host", "--password", "long-password"],
                      env, check=False)
    assert taken.returncode != 0 and "wang" in taken.stderr
    bad = run_flask(["create-user", "li", "--role", "pilot", "--password", "short"], env,
                    check=False)
    assert bad.returncode != 0 and "role" in bad.stderr and "password" in bad.stderr


@pytest.mark.parametrize("command", ["create-user", "seed-demo", "bootstrap", "simulate-calls",
                                     "sweep"])
def test_commands_are_documented(command):
    assert "Usage" in run_flask([command, "--help"], {}).stdout


def test_sweep_command_is_safe_to_repeat(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'sweep.sqlite3'}"}
    run_flask(["bootstrap"], env)
    engine = create_engine(env["DATABASE_URL"])
    with engine.begin() as connection:  # make the demo's dispatched cases long overdue
        connection.exec_driver_sql(
            "UPDATE cases SET reply_due_at = '2026-01-05 00:00:00' WHERE state = 'dispatched'")
        overdue = connection.exec_driver_sql(
            "SELECT count(*) FROM cases WHERE state = 'dispatched'").scalar()
    first = run_flask(["sweep"], env).stdout
    second = run_flask(["sweep"], env).stdout
    with engine.connect() as connection:
        notices = connection.exec_driver_sql("SELECT count(*) FROM notices").scalar()
    engine.dispose()
    assert f"reminder: {overdue}" in first and "reminder: 0" in second
    assert notices == overdue * 3
