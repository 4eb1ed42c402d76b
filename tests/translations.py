"""A Spanish change for tests, before the translators' screen: a page's translation."""

from drugs.models import Translation
from editorial.models import Change
from tests.workflow import edit

SPANISH_TEXTS = {
    "title": "Terapia dirigida para el tumor neuroendocrino de páncreas",
    "intro": "El everolimus es un medicamento contra el cáncer. Se toma por la boca.",
}


def spanish_change(translator, page, **texts) -> Change:
    """`translator` translates `page` into Spanish (title and intro, or `texts`) in a
    change of their own, as a translator's screen would record it."""
    change = Change.objects.create(title="Traducción", author=translator, language="es")
    edit(
        translator,
        Translation(
            model="drugs.page",
            object_id=page.pk,
            language="es",
            texts={**SPANISH_TEXTS, **texts},
        ),
        change=change,
    )
    return change
