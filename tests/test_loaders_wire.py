"""Wire stories (.txt/.md): title, dateline place and outlet, front matter, dates never invented."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from index.errors import SourceRejected
from index.loaders import load_source
from index.loaders.wire import load_wire, parse_wire, split_front_matter
from index.models import Article, Rejection
from index.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "loaders"


def load_one(path: Path, settings: Settings) -> Article:
    [article] = load_source(path, settings)
    assert isinstance(article, Article), article
    return article


def parse(text: str) -> Article:
    return parse_wire(text, article_id="id", origin="origin")


def test_the_real_seed_story(seed_story: Path, settings: Settings) -> None:
    article = load_one(seed_story, settings)
    assert article.title == "New bid to break Kosovo stalemate as deadline nears"
    assert article.source == "Reuters"
    assert article.place == "BRUSSELS"
    assert article.published is None  # the story states no date; never the file's mtime
    assert article.text.startswith("BRUSSELS (Reuters) - Serbian and Kosovo Albanian leaders")
    assert article.text.endswith('The Balkans is rather a fragile place," he said.')
    assert article.id == str(seed_story.resolve())
    assert article.origin == str(seed_story.resolve())
    assert article.url is None
    assert article.authors == ()


def test_ap_dateline_with_month_and_day_gives_no_date(settings: Settings) -> None:
    article = load_one(FIXTURES / "wire_ap.txt", settings)
    assert article.title == "Lawmakers clear stopgap spending bill hours before shutdown deadline"
    assert (article.place, article.source, article.published) == ("WASHINGTON", "AP", None)
    assert article.text.startswith("WASHINGTON, March 3 (AP) — The House")


def test_latin1_story_is_decoded(settings: Settings) -> None:
    article = load_one(FIXTURES / "latin1_story.txt", settings)
    assert article.title == "Café owners in Zürich protest rent rises"
    assert article.place == "ZÜRICH"
    assert article.source == "Reuters"
    assert "crème brûlée" in article.text
    assert "Großmünster" in article.text


def test_markdown_front_matter_wins(settings: Settings) -> None:
    article = load_one(FIXTURES / "front_matter.md", settings)
    assert article.title == "Fishing quotas: EU and UK strike late-night deal"
    assert article.published == datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert article.authors == ("Jane Doe", "John Roe")
    assert article.source == "AFP"
    assert article.url == "https://www.afp.com/en/news/fishing-quotas-deal"
    assert article.place == "LONDON"
    # The heading repeating the title is not part of the text.
    assert article.text.startswith("LONDON (AFP) - The European Union")


def test_markdown_heading_title_and_byline(settings: Settings) -> None:
    article = load_one(FIXTURES / "plain_title.md", settings)
    assert article.title == "City council approves new bike lanes"
    assert article.authors == ("Maria Lopez",)
    assert (article.place, article.source, article.published) == (None, None, None)


def test_front_matter_falls_back_when_yaml_is_malformed() -> None:
    meta, rest = split_front_matter(
        "---\ntitle: Kosovo: talks resume\ndate: 2025-03-04\nauthor: A. Writer\n---\nBody\n"
    )
    assert meta["title"] == "Kosovo: talks resume"
    assert rest == "Body\n"
    article = parse("---\ntitle: Kosovo: talks resume\ndate: 2025-03-04\n---\nThe story.\n")
    assert article.title == "Kosovo: talks resume"
    assert article.text == "The story."
    assert article.published == datetime(2025, 3, 4, tzinfo=UTC)


def test_front_matter_date_without_zone_is_utc() -> None:
    article = parse("---\ntitle: T\ndate: 2025-03-04 08:15\n---\nBody.")
    assert article.published == datetime(2025, 3, 4, 8, 15, tzinfo=UTC)


def test_front_matter_date_without_year_is_no_date() -> None:
    assert parse("---\ntitle: T\ndate: March 3\n---\nBody.").published is None


def test_dateline_with_year_gives_a_date() -> None:
    article = parse("Title\n\nBRUSSELS, Dec 4, 2007 (Reuters) - Leaders met.")
    assert article.published == datetime(2007, 12, 4, tzinfo=UTC)
    assert (article.place, article.source) == ("BRUSSELS", "Reuters")


def test_windows_line_endings_and_bom() -> None:
    article = parse("\ufeffA title\r\n\r\nLONDON (AFP) -- Text.\r\nMore.\r\n")
    assert article.title == "A title"
    assert article.text == "LONDON (AFP) -- Text.\nMore."
    assert (article.place, article.source) == ("LONDON", "AFP")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Only a title\n\n", "no story text after the title line"),
        ("---\ntitle: T\n---\n\n", "no story text after the title line"),
    ],
)
def test_stories_without_text_are_rejected(text: str, reason: str) -> None:
    with pytest.raises(SourceRejected, match=reason):
        parse(text)


def test_title_only_file_is_one_rejection(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "title.txt"
    path.write_text("Headline only\n", encoding="utf-8")
    assert list(load_source(path, settings)) == [
        Rejection(str(path.resolve()), "no story text after the title line")
    ]


def test_load_wire_yields_one_article(seed_story: Path, settings: Settings) -> None:
    [article] = load_wire(seed_story, settings)
    assert article.id == str(seed_story)
