"""PostgreSQL for the test suite: see config.test_db."""

from django.db.backends.postgresql import base, operations

from config.test_db import FlushAppendOnlyMixin


class DatabaseOperations(FlushAppendOnlyMixin, operations.DatabaseOperations):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
