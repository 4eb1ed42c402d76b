"""Spanish publications for tests, made directly, as the Spanish workflow will make them.

Until publishing in Spanish exists, a test gets a live Spanish version of a page from
`publish_spanish`: the English publication's content with its words in Spanish (some left
None: untranslated, as the translated content's contract says), rendered in Spanish, and
written as a publication with its `PublicationTranslation` (what it was translated from),
its lookup rows as `lookups` writes them, and a `CurrentTranslation` pointing at it.
"""

import copy
from typing import Any

from django.db import connection
from django.utils import timezone, translation

from editorial import lookups
from editorial.models import CurrentTranslation, Publication, PublicationTranslation
from editorial.snapshots import content_hash, publication_index, render_page_body
from editorial.structured_data import json_ld_text, page_data

SPANISH_TITLE = "Terapia dirigida con medicamentos para el tumor neuroendocrino de páncreas"
SPANISH_INTRO = [
    "Los medicamentos de terapia dirigida actúan de forma diferente a la quimioterapia "
    "estándar. Atacan partes específicas de las células cancerosas.",
    "Los medicamentos dirigidos que se usan para tratar los tumores neuroendocrinos de "
    "páncreas bloquean la angiogénesis o proteínas importantes de las células cancerosas.",
]
SPANISH_TERMS = {
    "nausea": "náuseas",
    "diarrhea": "diarrea",
    "changes in skin or hair color": "cambios en el color de la piel o del cabello",
    "mouth sores": "llagas en la boca",
    "weakness": "debilidad",
    "low blood cell counts": "recuentos bajos de células sanguíneas",
    "tiredness": "cansancio",
    "high blood pressure": "presión arterial alta",
    "heart problems": "problemas del corazón",
    "bleeding": "sangrado",
    "hand-foot syndrome": "síndrome mano-pie",
    "low thyroid hormone levels": "niveles bajos de hormona tiroidea",
}
# Sunitinib: every word translated. Everolimus: its evidence is not (an untranslated
# section). Belzutifan: its text is, its side effects are not (an untranslated list).
SPANISH_DRUGS: dict[str, dict[str, Any]] = {
    "sunitinib": {
        "targets": "varias tirosina cinasas",
        "mechanism": "El sunitinib bloquea varias tirosina cinasas y ataca el crecimiento "
        "de nuevos vasos sanguíneos.",
        "administration": "Este medicamento se toma como una pastilla una vez al día.",
        "route": "pastilla",
        "evidence": "Se ha demostrado que ayuda a frenar el crecimiento del tumor.",
    },
    "everolimus": {
        "targets": "mTOR",
        "mechanism": "El everolimus bloquea una proteína llamada mTOR, que normalmente "
        "ayuda a las células a crecer y dividirse.",
        "administration": "El everolimus es una pastilla que se toma una vez al día.",
        "route": "pastilla",
        "evidence": None,
    },
    "belzutifan": {
        "drug_class": "inhibidor del HIF",
        "targets": "factor 2 alfa inducible por hipoxia (HIF-2α)",
        "mechanism": "El belzutifán es un inhibidor del HIF. Bloquea una proteína que "
        "participa en el crecimiento de las células cancerosas.",
        "administration": "Este medicamento se toma en pastillas, normalmente una vez al día.",
        "route": "pastillas",
        "evidence": "",
        "indication": [
            "El belzutifán se puede usar en personas con la enfermedad de von Hippel-Lindau "
            "que tienen un tumor neuroendocrino de páncreas y no necesitan cirugía enseguida."
        ],
    },
}
SPANISH_TEAM = "El equipo de redacción y contenido médico de la Sociedad Americana Contra el Cáncer"


def _entry(entry: dict[str, Any], translated: bool) -> dict[str, Any]:
    name = SPANISH_TERMS.get(entry["term"]["name"]) if translated else None
    text = name if translated and not entry["wording"] and not entry["detail"] else None
    return {
        **entry,
        # An explanation empty in English stays empty: there is nothing to translate.
        "term": {
            **entry["term"],
            "name": name,
            "explanation": entry["term"]["explanation"] and None,
        },
        "wording": None,
        "detail": None,
        "text": text,
    }


def spanish_content(english: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The English content in Spanish: the page's words, the three drugs as
    `SPANISH_DRUGS` says, the first "More information" link (the second untranslated);
    names, slugs, URLs and references as published. `changes` replace top-level keys."""
    content = copy.deepcopy(english)
    content["language"] = "es"
    content["title"] = SPANISH_TITLE
    content["intro"] = list(SPANISH_INTRO)
    content["cancer_type"] = {**content["cancer_type"], "name": "Tumor neuroendocrino de páncreas"}
    for section in content["drug_sections"]:
        drug = section["drug"]
        words = SPANISH_DRUGS.get(drug["slug"], {})
        for field in ("drug_class", "targets", "mechanism", "administration", "route"):
            drug[field] = words.get(field, drug[field] or None)
        section["evidence"] = words.get("evidence")
        section["indication"] = words.get("indication", section["indication"] or [])
        listed = drug["slug"] == "sunitinib"
        drug["side_effects"] = [
            {**group, "entries": [_entry(entry, listed) for entry in group["entries"]]}
            for group in drug["side_effects"]
        ]
    first, *rest = content["more_information"]["links"]
    content["more_information"] = {
        "heading": "Más información sobre la terapia dirigida",
        "links": [
            {
                **first,
                "lead_in": "Para saber más sobre la terapia dirigida, consulte",
                "title": "La terapia dirigida contra el cáncer",
            },
            *({**link, "lead_in": None, "title": None} for link in rest),
        ],
    }
    content["attribution"] = {
        "name": SPANISH_TEAM,
        "description": ["Nuestro equipo está formado por médicos y enfermeras de oncología."],
    }
    content.update(changes)
    return content


def publish_spanish(
    english: Publication,
    content: dict[str, Any] | None = None,
    *,
    live: bool = True,
    source: Publication | None = None,
    source_content_hash: str | None = None,
) -> Publication:
    """A Spanish publication of `english`'s page translated from `source` (default
    `english`), made live at /es/ unless `live` is False (then no pointer reaches it).
    `source_content_hash` (default the source's) says what content it was made from."""
    source = source or english
    content = content if content is not None else spanish_content(english.content)
    with translation.override("es"):
        html = render_page_body(content)
    publication = Publication.objects.create(
        page_id=english.page_id,
        **publication_index(content),
        content=content,
        html=html,
        json_ld=json_ld_text(
            page_data(
                content,
                last_revised=english.last_revised,
                last_reviewed=english.last_reviewed,
                reviewed_by=english.reviewed_by,
            )
        ),
        content_hash=content_hash(content),
        manifest=english.manifest,
        summary="",
        origin=Publication.Origin.REVIEWED,
        published_at=timezone.now(),
        published_by=english.published_by,
        last_revised=timezone.localdate(),
        last_reviewed=english.last_reviewed,
        reviewed_by=english.reviewed_by,
    )
    PublicationTranslation.objects.create(
        publication=publication,
        language="es",
        source=source,
        source_content_hash=source_content_hash or source.content_hash,
    )
    with connection.cursor() as cursor:
        for statement in lookups.insert_statements(connection.vendor, "p.id = %s"):
            cursor.execute(statement, [publication.pk])
    lookups.search_rows_write(connection, [(publication.pk, content)])
    if live:
        CurrentTranslation.objects.update_or_create(
            page_id=english.page_id,
            language="es",
            defaults={"publication": publication, "slug": english.slug, "since": timezone.now()},
        )
    return publication
