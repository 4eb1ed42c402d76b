"""README's production steps are the ones tests/test_deployment.py runs."""

import re
from pathlib import Path

from editorial.management.commands.create_demo_users import DEMO_USERS
from tests.test_deployment import GUNICORN, README_PRODUCTION_STEPS

README = Path(__file__).resolve().parent.parent / "README.md"


def _production_block() -> str:
    text = README.read_text()
    section = text[text.index("## Production") :]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_readme_production_steps_are_the_ones_the_deployment_test_runs():
    block = _production_block()
    for step in README_PRODUCTION_STEPS:
        assert "python " + " ".join(step) in block, f"README lacks: python {' '.join(step)}"
    assert "gunicorn " + " ".join(GUNICORN[2:]) in block


def test_readme_lists_every_demo_login():
    text = README.read_text()
    for username, _name, _role, _credential, password in DEMO_USERS:
        assert f"| `{username}` | `{password}` |" in text, username
