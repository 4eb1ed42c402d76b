"""The workflow announces publishing with signals sent after the commit; delivery listens."""

import ast
import inspect

import pytest
from django.db import transaction

from editorial import signals, workflow
from editorial.models import Publication
from tests.workflow import edit, publish_through_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    received = []

    def listen(signal, **kwargs):
        received.append((signal, kwargs))

    for signal in (signals.page_published, signals.page_unpublished):
        signal.connect(listen, dispatch_uid="test-listener")
    yield received
    for signal in (signals.page_published, signals.page_unpublished):
        signal.disconnect(dispatch_uid="test-listener")


def test_a_publish_is_announced_once_it_has_committed(
    django_capture_on_commit_callbacks, heard, writer, physician, nurse, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publications = publish_through_review(change, writer, physician, nurse, managing_editor)
    assert heard == []  # nothing before the commit
    for callback in callbacks:
        callback()
    ((signal, kwargs),) = heard
    assert signal is signals.page_published
    assert kwargs["publications"] == publications


def test_a_publish_that_rolls_back_is_never_announced(
    django_capture_on_commit_callbacks, heard, writer, physician, nurse, managing_editor, everolimus
):
    change = edit(writer, everolimus, administration="Everolimus is a tablet.")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish_through_review(change, writer, physician, nurse, managing_editor)
        raise RuntimeError("the publish failed after writing")
    assert heard == []


def test_an_unpublish_is_announced_with_what_the_page_showed(
    django_capture_on_commit_callbacks, heard, managing_editor, seed_page, seed_publication
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.page_unpublish(page=seed_page, editor=managing_editor)
    ((signal, kwargs),) = heard
    assert signal is signals.page_unpublished
    assert kwargs["page"] == seed_page and kwargs["publication"] == seed_publication


def test_a_failing_listener_does_not_fail_the_publish_it_heard_of(
    django_capture_on_commit_callbacks,
    caplog,
    writer,
    physician,
    nurse,
    managing_editor,
    everolimus,
):
    def broken(**kwargs):
        raise ConnectionError("the cache is down")

    signals.page_published.connect(broken, dispatch_uid="broken-listener")
    try:
        change = edit(writer, everolimus, administration="Everolimus is a tablet.")
        with django_capture_on_commit_callbacks(execute=True):
            publish_through_review(change, writer, physician, nurse, managing_editor)
    finally:
        signals.page_published.disconnect(dispatch_uid="broken-listener")
    assert Publication.objects.filter(revision__change=change).exists()
    assert "page_published receiver" in caplog.text


def test_the_workflow_imports_no_delivery_code():
    tree = ast.parse(inspect.getsource(workflow))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom | ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    delivery = ("editorial.public", "public", "public_cache", "views")
    assert not {name for name in imported if name.split(".")[0] in delivery or name in delivery}
    assert not {name for name in imported if name.startswith("editorial.public")}
