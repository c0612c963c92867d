"""The demo corpus's lost letters: restored from the table and the context, else dropped."""

from __future__ import annotations

import csv
import io
import zipfile

from index import demo
from index.demo_letters import restore_letters

LOST = "\ufffd\ufffd"


def test_table_words_currency_and_quotes_are_restored() -> None:
    assert restore_letters(f"Schw?bisch Gm{LOST}nd and Sinn F{LOST}in's vote", "DW") == (
        "Schwäbisch Gmünd and Sinn Féin's vote"
    )
    assert restore_letters("New ?1 coin, worth nearly \ufffd1m", "BBC") == (
        "New £1 coin, worth nearly £1m"
    )
    assert restore_letters("worth nearly \ufffd1m", "RTÉ") == "worth nearly €1m"
    assert restore_letters(f"Two caf{LOST}s", None) == "Two cafés"
    assert restore_letters('Mr O"\ufffdNeill said \ufffdOne day"', None) == (
        'Mr O\'Neill said "One day"'
    )


def test_a_word_no_table_knows_is_left_damaged() -> None:
    assert restore_letters(f"Zachra{LOST} and B?k", None) == f"Zachra{LOST} and B?k"


def _wheel(cache_dir, rows: list[dict[str, str]]) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(
        text, ["article_id", "publish_date", "article_source_link", "title", "subtitle", "text"]
    )
    writer.writeheader()
    writer.writerows(rows)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(demo.CSV_MEMBER, text.getvalue().encode("utf-8"))
    (cache_dir / "demo").mkdir(parents=True)
    with zipfile.ZipFile(cache_dir / "demo" / demo.WHEEL_NAME, "w") as wheel:
        wheel.writestr(demo.ZIP_MEMBER, inner.getvalue())


def test_the_demo_shows_restored_text_and_drops_what_stays_broken(settings, tmp_path) -> None:
    cached = settings.with_overrides(cache_dir=tmp_path / "cache")
    _wheel(
        cached.cache_dir,
        [
            {
                "article_id": "1",
                "publish_date": "2017/3/30",
                "subtitle": "",
                "article_source_link": "http://www.bbc.co.uk/news/1",
                "title": "New ?1 coin: Tesco to leave trolleys unlocked",
                "text": f"The new ?1 coin arrives. Thomas J?ger of Schw?bisch Gm{LOST}nd agreed.",
            },
            {
                "article_id": "2",
                "publish_date": "2017/3/29",
                "subtitle": "",
                "article_source_link": "http://www.dw.com/en/2",
                "title": "A name nobody can restore",
                "text": f"Mr Zachra{LOST} spoke. He said more.",
            },
        ],
    )

    articles = demo.load_articles(cached)

    assert [a.title for a in articles] == ["New £1 coin: Tesco to leave trolleys unlocked"]
    assert articles[0].text == "The new £1 coin arrives. Thomas Jäger of Schwäbisch Gmünd agreed."
