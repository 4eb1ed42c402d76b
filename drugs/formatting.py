"""Pure text rules for drug content, shared by the admin and the publication snapshot."""


def side_effect_text(
    *, term: str, explanation: str = "", wording: str = "", detail: str = ""
) -> str:
    """How one side effect reads in a drug's list.

    The drug's own wording replaces the term's name when given; otherwise the term's
    plain-language explanation, if any, follows in brackets (own wording already says
    it in the drug's words). The detail follows as written,
    after a space when it is bracketed ("(usually in the legs)") and after a comma
    when it is a clause ("which might require blood transfusions").
    """
    text = wording or (f"{term} ({explanation})" if explanation else term)
    if detail:
        text = f"{text}{' ' if detail.startswith('(') else ', '}{detail}"
    return text


def paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines, joining wrapped lines with a space."""
    blocks = [" ".join(line.strip() for line in block.splitlines()) for block in text.split("\n\n")]
    return [block.strip() for block in blocks if block.strip()]
