"""Tests that need something this machine may lack: skip saying why, or fail where required."""

import os

import pytest


def skip_unless_required(reason: str, variable: str) -> None:
    """Skip with `reason`; fail instead when `variable` is set, as CI sets it."""
    if os.environ.get(variable):
        pytest.fail(f"{variable} is set but {reason}")
    pytest.skip(reason)
