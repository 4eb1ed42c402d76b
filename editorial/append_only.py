"""The database's own refusal to change append-only rows: triggers, on PostgreSQL and SQLite.

The models refuse in Python too, but only the database stops a raw UPDATE, a bulk
queryset call or another program. Migrations create the triggers; `integrity` checks
that they are still there.
"""

PROTECTED_TABLES = (
    "editorial_publication",
    "editorial_revision",
    "editorial_revisionpage",
    "editorial_review",
    "editorial_auditentry",
    # Derived from each publication when it is written, and as fixed as it (0013).
    "editorial_publicationrecord",
    "editorial_publicationdrug",
    "editorial_publicationsearch",
    # Which version of its page each publication shows, counted when it is written (0018).
    "editorial_publicationversion",
    # Each publication's compliance number, assigned when it is written (0019).
    "editorial_compliancenumber",
    # Reviewers' electronic signatures and their one-time certifications (0019).
    "editorial_signature",
    "editorial_signaturecertification",
    # Which language a translated publication is in, and its source (0023).
    "editorial_publicationtranslation",
)

_PG_FUNCTION = "editorial_refuse_change"


def trigger_names(vendor: str, table: str) -> list[str]:
    """The triggers that protect `table` (SQLite has no TRUNCATE to refuse)."""
    operations = ["update", "delete"] + (["truncate"] if vendor == "postgresql" else [])
    return [f"{table}_no_{operation}" for operation in operations]


def create_statements(vendor: str, tables: tuple[str, ...] | list[str]) -> list[str]:
    """SQL that makes the database refuse UPDATE and DELETE (and TRUNCATE) on `tables`."""
    if vendor == "postgresql":
        statements = [
            f"""CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION USING
                    MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME || ': these records are append-only',
                    ERRCODE = 'integrity_constraint_violation';
            END;
            $$"""
        ]
        for table in tables:
            statements += [
                f'CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
                f'CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}" '
                f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
                # Row triggers never see TRUNCATE, which empties a table at once.
                f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()",
            ]
        return statements
    if vendor == "sqlite":
        return [
            f'CREATE TRIGGER "{table}_no_{operation}" BEFORE {operation.upper()} ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{operation.upper()} on {table}: "
            f"these records are append-only'); END"
            for table in tables
            for operation in ("update", "delete")
        ]
    raise NotImplementedError(f"No append-only triggers for {vendor}.")


def drop_statements(
    vendor: str, tables: tuple[str, ...] | list[str], *, function: bool = False
) -> list[str]:
    """SQL that removes the triggers on `tables` (and the PostgreSQL function, if asked)."""
    if vendor == "postgresql":
        statements = [
            f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"'
            for table in tables
            for name in trigger_names(vendor, table)
        ]
        return statements + ([f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()"] if function else [])
    return [
        f'DROP TRIGGER IF EXISTS "{name}"'
        for table in tables
        for name in trigger_names(vendor, table)
    ]


def missing_triggers(connection) -> list[tuple[str, str]]:
    """(table, trigger) for every protecting trigger that is absent or disabled."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = ANY(%s) AND t.tgenabled <> 'D'",
                [list(PROTECTED_TABLES)],
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        present = set(cursor.fetchall())
    return [
        (table, name)
        for table in PROTECTED_TABLES
        for name in trigger_names(connection.vendor, table)
        if (table, name) not in present
    ]
