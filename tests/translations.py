"""Spanish changes for tests, made as the translators' screen makes them: translation
rows owned by a change in Spanish, each field with the English it was translated from."""

from drugs.models import Translation
from editorial.models import Change, Publication
from editorial.registry import label
from tests.workflow import edit, publish_through_review

TITLE = "Terapia farmacológica dirigida para el tumor neuroendocrino de páncreas"
INTRO = "Esta página explica los medicamentos dirigidos.\n\nHable con su equipo de atención."
SPANISH_TEXTS = {
    "title": "Terapia dirigida para el tumor neuroendocrino de páncreas",
    "intro": "El everolimus es un medicamento contra el cáncer. Se toma por la boca.",
}


def spanish_change(author, page=None, **texts) -> Change:
    """A change in Spanish by `author`; with `page`, holding its translation (title and
    intro of `SPANISH_TEXTS`, or `texts`)."""
    change = Change.objects.create(
        title="Traducción al español", author=author, kind=Change.Kind.EDIT, language="es"
    )
    if page is not None:
        translate(author, change, page, **{**SPANISH_TEXTS, **texts})
    return change


def translate(author, change, record, **texts) -> Change:
    """Put `texts` (field: Spanish text) into the record's Spanish translation, in `change`."""
    model = label(record)
    row = Translation.objects.filter(model=model, object_id=record.pk, language="es").first()
    row = row or Translation(model=model, object_id=record.pk, language="es")
    sources = {field: getattr(record, field) for field in texts}
    return edit(
        author,
        row,
        change=change,
        texts={**row.texts, **texts},
        sources={**row.sources, **sources},
    )


def translate_page(author, page, change=None, **texts) -> Change:
    """`page`'s title and introduction in Spanish (`TITLE`, `INTRO`, or `texts`), in
    `change` or a new Spanish change."""
    change = change or spanish_change(author)
    return translate(author, change, page, **{"title": TITLE, "intro": INTRO, **texts})


def publish_in_spanish(change, writer, physician, nurse, managing_editor) -> list[Publication]:
    """`change` submitted by `writer`, approved by the two reviewers, published."""
    return publish_through_review(
        change, writer, physician, nurse, managing_editor, summary="Traducción"
    )
