import pytest
from themes_corpus import make_corpus

from qualkit.codebook.model import Code, Codebook


@pytest.fixture
def corpus():
    return make_corpus()


@pytest.fixture
def codebook():
    return Codebook(name="synthetic", codes=(
        Code(name="Export", definition="Getting data out of the tool as files."),
        Code(name="Plots", definition="Reading the charts and maps."),
    ))
