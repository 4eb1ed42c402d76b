import pytest

from references.models import Citation
from references.seed import SEED_CITATIONS


@pytest.fixture
def seed_citations() -> list[Citation]:
    """The seed page's eight references, unsaved, in the page's order."""
    return [Citation(**fields) for fields in SEED_CITATIONS]


@pytest.fixture
def pasricha(seed_citations: list[Citation]) -> Citation:
    """The seed's journal article with a DOI (Pasricha G et al. 2017), unsaved."""
    return seed_citations[3]


@pytest.fixture
def raymond(seed_citations: list[Citation]) -> Citation:
    """The seed's journal article without a DOI (Raymond E et al. 2011), unsaved."""
    return seed_citations[4]
