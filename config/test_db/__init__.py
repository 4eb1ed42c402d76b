"""Database backends for the test settings alone: a flush that may empty append-only tables.

Between transactional tests the runner flushes every table (TRUNCATE on PostgreSQL,
DELETE FROM on SQLite), which the append-only triggers refuse. These backends drop the
triggers, flush and re-create them, in the flush's own transaction. Only
config/settings/test.py names them: production, `migrate` and every management command
run on Django's own backends, where a flush is refused like any other delete. A switch
the triggers consulted (a session setting, say) would be a door any database user
could open; dropping a trigger needs the table owner's rights.
"""

from editorial import append_only


class FlushAppendOnlyMixin:
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        present = set(self.connection.introspection.table_names())
        protected = [table for table in append_only.PROTECTED_TABLES if table in present]
        if not statements or not protected:
            return statements
        vendor = self.connection.vendor
        return [
            *append_only.drop_statements(vendor, protected),
            *statements,
            *append_only.create_statements(vendor, protected),
        ]
