"""The build pipeline on real files: incremental re-runs, changes, prune, rejections, dedup."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import index
from index.dedup import fingerprint, story_body
from index.errors import IndexEmpty
from index.fakes import FakeEmbedder
from index.models import Article
from index.settings import Settings
from index.stores import EmbeddingModelMismatch, open_stores
from index.stores.keyword_index import FORMAT

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pipeline" / "news"
METADATA_KEYS = {
    "article_id",
    "chunk_index",
    "title",
    "source",
    "url",
    "published",
    "authors",
    "place",
    "body_start",
}


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """A writable copy of the fixture stories: 4 distinct, 1 syndicated, 1 exact duplicate."""
    return Path(shutil.copytree(FIXTURES, tmp_path / "news"))


@pytest.fixture
def small(settings: Settings) -> Settings:
    """Small chunks so each story gives several."""
    return settings.with_overrides(chunk_tokens=48, chunk_overlap=8, embedding_batch_size=4)


def build(
    news: Path | list, settings: Settings, **kwargs
) -> tuple[index.BuildReport, FakeEmbedder]:
    embedder = kwargs.pop("embedder", None) or FakeEmbedder()
    sources = news if isinstance(news, list) else [news]
    return index.build(sources, settings, embedder=embedder, **kwargs), embedder


def snapshot(settings: Settings) -> dict[str, str]:
    with open_stores(settings) as stores:
        chroma = {hit.chunk_id: hit.text for hit in stores.chroma.get(sorted(stores.chroma.ids()))}
        catalog = {record.id: record.text for record in stores.catalog.chunks()}
    assert chroma == catalog
    return chroma


def article_ids(settings: Settings) -> set[str]:
    return {chunk_id.split("#")[0] for chunk_id in snapshot(settings)}


def test_build_indexes_stories_once(news: Path, small: Settings) -> None:
    report, embedder = build(news, small)
    assert (report.new, report.duplicates, report.changed, report.unchanged) == (4, 2, 0, 0)
    assert report.ok and report.chunks_added > 4
    chunks = snapshot(small)
    assert len(chunks) == report.chunks_added
    assert sum(len(call) for call in embedder.calls) == report.chunks_added
    assert all(len(call) <= 4 for call in embedder.calls)
    assert article_ids(small) == {
        str(news / n) for n in ("kosovo.md", "wheat.md", "storm.md", "election.txt")
    }
    stats = index.stats(small)
    assert (stats.articles, stats.duplicates, stats.chunks) == (4, 2, report.chunks_added)
    assert stats.outlets == {"Reuters": 2, "AFP": 1, "AP": 1}
    assert stats.to_dict()["inputs"] == [str(news)]


def test_chunks_carry_the_contract_metadata(news: Path, small: Settings) -> None:
    build(news, small)
    with open_stores(small) as stores:
        hits = stores.chroma.query(FakeEmbedder().embed(["wheat futures Kansas"])[0], 3)
        meta = hits[0].metadata
        assert set(meta) >= METADATA_KEYS
        assert meta["article_id"] == str(news / "wheat.md")
        assert meta["source"] == "Reuters" and meta["place"] == "CHICAGO"
        assert meta["published"].startswith("2025-03-10")
        assert hits[0].text[meta["body_start"] :] in hits[0].text
        assert hits[0].text.startswith("Wheat futures climb")
        undated = stores.keyword.search(["Nigeria", "electoral", "commission"], 1).chunks[0]
        assert "published_ts" not in undated.metadata
        assert undated.metadata["published"] == ""


def test_rerun_skips_everything_without_embedding(news: Path, small: Settings) -> None:
    build(news, small)
    before = snapshot(small)
    report, embedder = build(news, small)
    assert embedder.calls == []
    assert (report.new, report.changed, report.unchanged, report.chunks_added) == (0, 0, 6, 0)
    assert snapshot(small) == before


def test_noop_rerun_never_loads_the_model(news: Path, small: Settings, monkeypatch) -> None:
    build(news, small)

    def no_model(settings: Settings) -> None:
        raise AssertionError("the embedding model was loaded for a no-op re-run")

    monkeypatch.setattr("index.embeddings.load_embedder", no_model)
    report = index.build([news], small)
    assert report.unchanged == 6


def test_changed_file_is_replaced(news: Path, small: Settings) -> None:
    build(news, small)
    storm = str(news / "storm.md")
    old = {i for i in snapshot(small) if i.startswith(storm + "#")}
    text = (news / "storm.md").read_text().replace("Tens of thousands", "Hundreds of thousands")
    (news / "storm.md").write_text(text)
    report, embedder = build(news, small)
    assert (report.changed, report.unchanged, report.new) == (1, 5, 0)
    chunks = snapshot(small)
    new = {i for i in chunks if i.startswith(storm + "#")}
    assert new and not new & old
    assert any("Hundreds of thousands" in chunks[i] for i in new)
    embedded = [text for call in embedder.calls for text in call]
    assert len(embedded) == len(new)  # only the storm story was embedded
    assert all(text.startswith("Typhoon forces evacuations") for text in embedded)


def test_prune_removes_a_deleted_file(news: Path, small: Settings) -> None:
    build(news, small)
    (news / "election.txt").unlink()
    report, _ = build(news, small)
    assert report.removed == 0  # without --prune nothing is removed
    assert str(news / "election.txt") in article_ids(small)
    report, _ = build(news, small, prune=True)
    assert report.removed == 1
    assert str(news / "election.txt") not in article_ids(small)
    assert index.stats(small).articles == 3


def test_prune_removes_records_a_file_no_longer_yields(tmp_path: Path, small: Settings) -> None:
    feed = tmp_path / "records.jsonl"
    rows = [
        '{"id": "r1", "title": "Dockers strike in Rotterdam", "text": "Port workers in '
        'Rotterdam walked out on Monday over pay, halting container traffic."}',
        '{"id": "r2", "title": "Central bank holds rates", "text": "The central bank left '
        'interest rates unchanged on Thursday, citing sticky inflation."}',
    ]
    feed.write_text("\n".join(rows) + "\n")
    build([feed], small)
    feed.write_text(rows[0] + "\n")
    report, _ = build([feed], small, prune=True)
    assert report.removed == 1 and report.unchanged == 1
    assert article_ids(small) == {"r1"}


def test_prune_only_touches_this_runs_sources(news: Path, tmp_path: Path, small: Settings) -> None:
    other = tmp_path / "other"
    other.mkdir()
    shutil.move(news / "election.txt", other / "election.txt")
    build([news, other], small)
    (other / "election.txt").unlink()
    report, _ = build([news], small, prune=True)
    assert report.removed == 0
    report, _ = build([other / "x"], small, prune=True)
    assert report.removed == 0 and not report.ok  # a missing source is rejected ...
    report, _ = build([other], small, prune=True)
    assert report.removed == 1  # ... the vanished file inside a source is pruned


def test_rejected_file_keeps_its_articles(news: Path, small: Settings) -> None:
    build(news, small)
    before = snapshot(small)
    (news / "storm.md").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    report, _ = build(news, small, prune=True)
    assert [r.input for r in report.rejected] == [str(news / "storm.md")]
    assert report.removed == 0
    assert snapshot(small) == before


def test_bad_inputs_are_reported_not_raised(news: Path, tmp_path: Path, small: Settings) -> None:
    (news / "empty.txt").write_text("")
    (news / "broken.json").write_text('{"title": "x", "text": ')
    report, _ = build([news, tmp_path / "missing"], small)
    assert report.new == 4
    assert {Path(r.input).name for r in report.rejected} == {"empty.txt", "broken.json", "missing"}


def test_syndicated_copy_is_linked_not_indexed(news: Path, small: Settings) -> None:
    build(news, small)
    kosovo, copy = str(news / "kosovo.md"), str(news / "kosovo_ap.md")
    assert copy not in article_ids(small)
    with open_stores(small) as stores:
        assert stores.catalog.also_in([kosovo]) == {kosovo: ["AP"]}
        assert stores.catalog.entry(copy).canonical_id == kosovo
        hits = stores.keyword.search(["Kosovo", "Albanian", "leaders", "compromise"], 10).chunks
        assert {h.metadata["article_id"] for h in hits} == {kosovo}
        assert stores.catalog.outlets() == ["AFP", "AP", "Reuters"]


def test_exact_duplicate_is_indexed_once(news: Path, small: Settings) -> None:
    build(news, small)
    with open_stores(small) as stores:
        mirror = stores.catalog.entry(str(news / "mirror" / "wheat.md"))
        assert mirror.canonical_id == str(news / "wheat.md")
        assert stores.catalog.also_in([mirror.canonical_id]) == {}  # same outlet: not "also in"


def test_copy_is_indexed_when_its_canonical_changes(news: Path, small: Settings) -> None:
    build(news, small)
    path = news / "kosovo.md"
    path.write_text(path.read_text().replace("Tuesday", "Wednesday"))
    report, _ = build(news, small)
    assert report.changed == 1
    ids = article_ids(small)
    assert {str(path), str(news / "kosovo_ap.md")} <= ids
    assert snapshot(small) == snapshot_of_clean_build(news, small)


def test_copy_is_indexed_when_its_canonical_is_pruned(news: Path, small: Settings) -> None:
    build(news, small)
    (news / "kosovo.md").unlink()
    report, _ = build(news, small, prune=True)
    assert report.removed == 1
    assert str(news / "kosovo_ap.md") in article_ids(small)
    assert snapshot(small) == snapshot_of_clean_build(news, small)


def test_copy_links_to_a_story_indexed_in_an_earlier_run(news: Path, small: Settings) -> None:
    build([news / "kosovo.md"], small)
    report, embedder = build([news / "kosovo_ap.md"], small)
    assert (report.duplicates, report.new, embedder.calls) == (1, 0, [])
    kosovo = str(news / "kosovo.md")
    with open_stores(small) as stores:
        assert stores.catalog.also_in([kosovo]) == {kosovo: ["AP"]}


def test_copy_from_another_source_is_indexed_when_unlinked(
    news: Path, tmp_path: Path, small: Settings
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(news / "kosovo_ap.md", elsewhere / "kosovo_ap.md")
    build([news, elsewhere], small)
    path = news / "kosovo.md"
    path.write_text(path.read_text().replace("Tuesday", "Wednesday"))
    build([news], small)  # the copy's source is not read, but its link broke: read it again
    assert str(elsewhere / "kosovo_ap.md") in article_ids(small)


def snapshot_of_clean_build(news: Path, settings: Settings) -> dict[str, str]:
    clean = settings.with_overrides(home=settings.home.parent / "clean-home")
    build(news, clean)
    return snapshot(clean)


def test_mixing_embedding_models_is_refused(news: Path, small: Settings) -> None:
    build(news, small)
    with pytest.raises(EmbeddingModelMismatch, match="newsdesk index clear"):
        build(news, small, embedder=FakeEmbedder(dimension=32))
    other = FakeEmbedder()
    other.name = "another-model"
    with pytest.raises(EmbeddingModelMismatch):
        build(news, small, embedder=other)
    index.clear(small)
    report, _ = build(news, small, embedder=other)
    assert report.new == 4


def test_update_rereads_recorded_sources(news: Path, small: Settings) -> None:
    with pytest.raises(IndexEmpty, match="index build"):
        index.update(small, embedder=FakeEmbedder())
    build(news, small)
    (news / "more.txt").write_text(
        "Dutch dockers end strike\n\nROTTERDAM (Reuters) - Dock workers in Rotterdam ended a "
        "three-day strike on Friday after unions and port operators agreed a new wage deal."
    )
    report = index.update(small, embedder=FakeEmbedder())
    assert (report.new, report.unchanged) == (1, 6)


def test_build_saves_the_keyword_index(news: Path, small: Settings) -> None:
    build(news, small)
    assert (small.keyword_path / f"tantivy-v{FORMAT}" / "state.json").exists()  # for readers


def test_clear_empties_the_index(news: Path, small: Settings) -> None:
    build(news, small)
    index.clear(small)
    assert index.stats(small).articles == 0
    assert not small.keyword_path.exists()
    assert snapshot(small) == {}
    index.clear(small)  # clearing twice is fine


def test_stats_of_a_new_home_creates_nothing(small: Settings) -> None:
    assert index.stats(small).articles == 0
    assert not small.catalog_path.exists()


def test_progress_reports_articles_and_chunks(news: Path, small: Settings) -> None:
    events: list[tuple[int, int | None, str]] = []
    build(news, small, progress=lambda done, total, stage: events.append((done, total, stage)))
    articles = [e for e in events if e[2] == "articles"]
    assert articles[-1][:2] == (6, 6)
    assert [e for e in events if e[2] == "chunks"]


def test_seed_story_indexes_with_title_outlet_place(seed_story: Path, small: Settings) -> None:
    report, _ = build([seed_story], small)
    assert report.new == 1 and report.ok
    with open_stores(small) as stores:
        hit = stores.keyword.search(["Kosovo", "troika", "Ischinger"], 1).chunks[0]
    assert hit.metadata["title"] == "New bid to break Kosovo stalemate as deadline nears"
    assert hit.metadata["source"] == "Reuters"
    assert hit.metadata["place"] == "BRUSSELS"
    assert hit.metadata["published"] == ""  # the story states no full date
    assert "published_ts" not in hit.metadata


# -- dedup keys ---------------------------------------------------------------------------

BODY = " ".join(f"word{i}" for i in range(60))


def test_fingerprint_ignores_dateline_credits_case_and_punctuation() -> None:
    credits = "(Reporting by X; Editing by Y)"
    reuters = Article("1", "A title", f"BRUSSELS (Reuters) - {BODY}.\n\n{credits}")
    ap = Article("2", "Other title", f"BRUSSELS, March 3 (AP) — {BODY.upper()}!", source="AP")
    cnn = Article("3", "Third", f"(CNN){BODY}")
    assert fingerprint(reuters) == fingerprint(ap) == fingerprint(cnn)
    assert story_body("The EU (European Union) said x") == "the eu european union said x"


def test_short_bodies_need_the_same_title_too() -> None:
    teaser = "Read the full story on our website."
    assert fingerprint(Article("1", "Strike ends", teaser)) != fingerprint(
        Article("2", "Rates held", teaser)
    )
    assert fingerprint(Article("1", "Strike ends", teaser)) == fingerprint(
        Article("2", "Strike  ends", teaser)
    )


@pytest.mark.integration
def test_build_with_the_packaged_model(news: Path, seed_story: Path, settings: Settings) -> None:
    from index.embeddings import load_embedder

    report = index.build([news, seed_story], settings)
    assert (report.new, report.duplicates, report.ok) == (5, 2, True)
    embedder = load_embedder(settings)
    with open_stores(settings) as stores:
        assert stores.catalog.embedding_model()[0] == embedder.name
        vector = embedder.embed(["Which country evacuated people ahead of a typhoon?"])[0]
        hits = stores.chroma.query(vector, 3)
    assert hits[0].metadata["article_id"] == str(news / "storm.md")
    assert hits[0].score > 0.4
    again = index.build([news, seed_story], settings)
    assert again.unchanged == 7 and again.chunks_added == 0


def test_each_folder_is_walked_once_per_build(
    news: Path, small: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.loaders

    walks: list[Path] = []
    walk = index.loaders.folder_files

    def counted(folder: Path):
        walks.append(folder)
        return walk(folder)

    monkeypatch.setattr(index.loaders, "folder_files", counted)
    seen: list[tuple[int, int | None, str]] = []
    report, _ = build(
        news, small, progress=lambda done, total, stage: seen.append((done, total, stage))
    )
    assert report.ok and report.new
    assert walks == [news.resolve()]
    assert {total for _, total, stage in seen if stage == "articles"} == {6}  # the estimate
