"""A source and a citation name their article with one set of fields (``ArticleRef``)."""

from __future__ import annotations

from dataclasses import fields

from assistant.answer import ArticleRef, Citation, Source
from tests.fixtures.answering.sources import three_sources


def test_a_citation_of_a_source_names_the_same_article() -> None:
    source = three_sources()[0]
    citation = Citation.of(source, "The deadline is December 10.")
    assert isinstance(source, ArticleRef) and isinstance(citation, ArticleRef)
    for field in fields(ArticleRef):
        assert getattr(citation, field.name) == getattr(source, field.name)
    assert citation.also_in == source.also_in
    assert citation.to_dict()["snippet"] == "The deadline is December 10."
    assert [f.name for f in fields(Source)][:6] == [f.name for f in fields(ArticleRef)]
