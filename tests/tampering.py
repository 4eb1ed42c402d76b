"""Acting as an attacker with database rights: write around the append-only triggers.

PostgreSQL: `session_replication_role = replica` switches ordinary triggers off for
this connection (a superuser's power). SQLite has no such switch, so the triggers are
dropped and re-created around the statement. Either way they are back before any
check runs, and `tampered()` rolls everything back when it ends.
"""

import contextlib
from collections.abc import Callable, Iterator
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection, transaction

from editorial import append_only


def raw(sql: str, params: list | None = None) -> None:
    """Run SQL as it stands, past the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                cursor.execute(sql, params)
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        else:
            tables = append_only.PROTECTED_TABLES
            for statement in append_only.drop_statements("sqlite", tables):
                cursor.execute(statement)
            try:
                cursor.execute(sql, params)
            finally:
                for statement in append_only.create_statements("sqlite", tables):
                    cursor.execute(statement)


@contextlib.contextmanager
def tampered() -> Iterator[Callable[..., None]]:
    """A savepoint in which `raw` tampers; leaving it undoes every change."""
    with transaction.atomic():
        yield raw
        transaction.set_rollback(True)


def verify() -> tuple[bool, str]:
    """Run `manage.py verify_integrity`: whether it passed, and everything it said."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_integrity", stdout=out, stderr=err)
    except CommandError as failure:
        return False, f"{err.getvalue()}{failure}"
    return True, out.getvalue()
