"""Briefings, timelines and comparisons over a real index of fixture stories (fake embedder).

The fixtures (tests/fixtures/briefing) hold two weeks of news: an Arctic summit reported by
Reuters, syndicated by AP and reported again by the BBC; a rail strike with three dated updates
(and an undated explainer); a museum opening; and an older flood story of the week before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

import index
from assistant.answer import Answer
from assistant.api import Assistant
from assistant.briefing.stories import Story, group_stories
from assistant.briefing.timeline import timeline
from assistant.filters import Filters
from index.settings import Settings
from index.stores.period import PeriodArticle, PeriodQueries
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).parent / "fixtures" / "briefing"
AS_OF = datetime(2025, 3, 14, 12, tzinfo=UTC)  # a Friday
# The fake embedder's bag-of-words vectors put reports of one story at >= 0.76 and different
# stories at <= 0.69 (the real model is calibrated in benchmarks/bench_briefing.py).
FAKE_THRESHOLD = 0.75


@pytest.fixture
def briefing_settings(newsdesk_home: Path) -> Settings:
    settings = Settings(home=newsdesk_home, briefing_threshold=FAKE_THRESHOLD)
    index.build([str(FIXTURES)], settings, embedder=FakeEmbedder())
    return settings


@pytest.fixture
def assistant(briefing_settings: Settings) -> Assistant:
    return Assistant(briefing_settings, embedder=FakeEmbedder(), llm=object())


def _outlets_of(answer: Answer) -> list[str]:
    return [answer.citations[item.citations[0] - 1].source or "" for item in answer.items]


def test_the_briefing_lists_each_story_of_the_week_once_and_nothing_older(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("What happened this week?", as_of=AS_OF)
    assert answer.kind == "briefing" and answer.covered
    assert len(answer.items) == 3  # summit, strike, museum
    assert len({item.story_id for item in answer.items}) == 3
    cited = [answer.citations[item.citations[0] - 1] for item in answer.items]
    assert all(c.published and c.published >= datetime(2025, 3, 8, tzinfo=UTC) for c in cited)
    assert "flood" not in answer.text.lower()
    assert "Munch" in answer.items[2].text  # one outlet: after the two stories of three
    summit = next(item for item in answer.items if "Arctic" in item.text)
    citation = answer.citations[summit.citations[0] - 1]
    assert set(citation.also_in) == {"AP", "Reuters", "BBC"} - {citation.source}
    assert "(also in" in answer.text.splitlines()[0]
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_the_briefing_of_last_week_holds_only_the_older_story(assistant: Assistant) -> None:
    answer = assistant.brief("What happened last week?", as_of=AS_OF)
    assert [item.text for item in answer.items] == [
        "Heavy rain flooded valleys in western Norway on Wednesday, closing roads and cutting "
        "power to thousands of homes near Bergen."
    ]
    assert answer.items[0].date == datetime(2025, 3, 5, 6, tzinfo=UTC)


def test_a_briefing_on_a_topic_keeps_only_its_stories(assistant: Assistant) -> None:
    answer = assistant.ask("News about the rail strike this week", as_of=AS_OF)
    assert answer.kind == "briefing"
    assert len(answer.items) == 1 and "strike" in answer.items[0].text


def test_the_filters_set_the_period_and_the_outlets(assistant: Assistant) -> None:
    filters = Filters.parse(since="2025-03-12", until="2025-03-14")
    answer = assistant.brief("Catch me up", filters=filters, as_of=AS_OF)
    assert {item.date.date().isoformat() for item in answer.items if item.date} <= {
        "2025-03-12",
        "2025-03-13",
        "2025-03-14",
    }
    by_bbc = assistant.brief("Catch me up", filters=Filters(sources=("BBC",)), as_of=AS_OF)
    assert len(by_bbc.items) == 2  # the summit and the strike, both reported by the BBC


def test_an_empty_period_names_its_dates_and_the_index_range(assistant: Assistant) -> None:
    answer = assistant.ask("What happened in January 2025?", as_of=AS_OF)
    assert not answer.covered and answer.items == []
    assert answer.text == (
        "No indexed articles between 2025-01-01 and 2025-01-31 "
        "(the index holds articles from 2025-03-05 to 2025-03-13)."
    )


def test_a_period_after_the_index_gets_its_last_week_and_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("What happened this week?", as_of=datetime(2026, 12, 4, tzinfo=UTC))

    assert answer.covered and answer.kind == "briefing"
    assert answer.note == (
        "Your index ends on 13 March 2025; here is its last week (7 March 2025 to 13 March 2025)."
    )
    assert answer.text.splitlines()[0] == answer.note  # the CLI prints the text
    assert answer.to_dict()["note"] == answer.note
    assert len(answer.items) == 3  # summit, strike, museum: as "this week" on 14 March 2025
    assert "flood" not in answer.text.lower()  # 5 March: before that last week


def test_an_explicit_week_in_the_index_is_a_briefing(assistant: Assistant) -> None:
    answer = assistant.ask("What happened in the week of 3 March 2025?", as_of=AS_OF)
    assert answer.kind == "briefing" and not answer.note
    assert ["flood" in item.text.lower() for item in answer.items] == [True]


def test_a_long_briefing_is_cut_to_the_setting_with_a_count_of_the_rest(
    briefing_settings: Settings,
) -> None:
    settings = briefing_settings.with_overrides(briefing_stories=2)
    answer = Assistant(settings, embedder=FakeEmbedder(), llm=object()).brief(
        "What happened this week?", as_of=AS_OF
    )
    assert len(answer.items) == 2
    assert answer.text.splitlines()[-1] == "... and 1 more story in this period."


def test_the_timeline_is_in_date_order_with_dates_and_undated_last(assistant: Assistant) -> None:
    answer = assistant.timeline("How has the rail strike developed?", as_of=AS_OF)
    assert answer.kind == "timeline"
    dates = [item.date for item in answer.items]
    dated = [d for d in dates if d is not None]
    assert [d.date().isoformat() for d in dated] == ["2025-03-10", "2025-03-12", "2025-03-13"]
    assert dates[-1] is None and answer.text.splitlines()[-1].startswith("undated — ")
    assert answer.text.splitlines()[0].startswith("2025-03-10 — Rail workers")
    assert "third day" in answer.items[1].text and "called off" in answer.items[2].text


def test_the_comparison_has_one_line_per_outlet(assistant: Assistant) -> None:
    answer = assistant.ask("How did outlets report the Arctic summit?", as_of=AS_OF)
    assert answer.kind == "compare"
    outlets = [item.text.split(":")[0] for item in answer.items]
    assert sorted(outlets) == ["AP", "BBC", "Reuters"]
    assert len({item.story_id for item in answer.items}) == 1
    copy = next(item for item in answer.items if item.text.startswith("Reuters"))
    assert "the same report as AP" in copy.text  # the syndicated copy cites the original


def test_to_dict_adds_kind_and_items(assistant: Assistant) -> None:
    data = assistant.ask("What happened this week?", as_of=AS_OF).to_dict()
    assert {"answer", "citations", "question_used", "covered", "timings"} <= set(data)
    assert data["kind"] == "briefing"
    assert set(data["items"][0]) == {"date", "text", "citations", "story_id"}
    assert data["items"][0]["date"] == "2025-03-10"
    assert data["items"][0]["citations"] == [1]


def test_fact_questions_keep_the_answering_chain(assistant: Assistant) -> None:
    class Chain:
        def stream(self, question: str, **kwargs: object):
            yield Answer("fact answer", [], [], question)

    assistant._chain = Chain()
    answer = assistant.ask("Who chaired the Arctic summit?", as_of=AS_OF)
    assert answer.kind == "fact" and answer.text == "fact answer"


def test_period_queries_fold_syndicated_copies(briefing_settings: Settings) -> None:
    queries = PeriodQueries(briefing_settings.catalog_path)
    monday = queries.between(
        datetime(2025, 3, 10, tzinfo=UTC), datetime(2025, 3, 10, 23, tzinfo=UTC)
    )
    week = [article for article in monday if "Arctic" in article.title]
    assert sorted(article.outlet for article in week) == ["AP", "BBC"]
    copies = [outlet for article in week for outlet, _ in article.copies]
    assert copies == ["Reuters"]
    assert all(article.lede and not article.lede.startswith("Arctic nations") for article in week)
    queries.close()


def _article(article_id: str, day: int | None, lede: str) -> PeriodArticle:
    published = datetime(2025, 3, day, tzinfo=UTC) if day else None
    return PeriodArticle(article_id, article_id, "Outlet", "", published, lede, f"{article_id}:0")


def test_timeline_items_say_what_changed() -> None:
    articles = [
        _article(
            "c", 12, "The bridge reopened to traffic on Wednesday. Engineers had fixed the cables."
        ),
        _article("a", 10, "The bridge closed on Monday after cracks were found in the cables."),
        _article(
            "b",
            11,
            "The bridge closed on Monday after cracks were found in the cables. "
            "Repairs began on Tuesday with new steel cables from Germany.",
        ),
    ]
    answer = timeline([Story("s", tuple(articles))], question="bridge", topic="bridge")
    assert [item.text for item in answer.items] == [
        "The bridge closed on Monday after cracks were found in the cables.",
        "Repairs began on Tuesday with new steel cables from Germany.",
        "The bridge reopened to traffic on Wednesday.",
    ]


def test_near_duplicates_join_one_story_above_the_threshold() -> None:
    articles = [_article(name, 10, name) for name in "abc"]
    vectors = np.array([[1.0, 0.0], [0.96, 0.28], [0.0, 1.0]], dtype=np.float32)
    stories = group_stories(articles, vectors, threshold=0.9)
    assert sorted(len(story.articles) for story in stories) == [1, 2]
    assert len(group_stories(articles, None, threshold=0.9)) == 3


def _report(article_id: str, outlet: str, title: str, lede: str) -> PeriodArticle:
    published = datetime(2025, 3, 10, tzinfo=UTC)
    return PeriodArticle(article_id, title, outlet, "", published, lede, f"{article_id}:0")


ORTHOGONAL = np.eye(3, dtype=np.float32)  # vectors far below any threshold


def test_reports_with_near_identical_ledes_join_one_story_below_the_vector_threshold() -> None:
    articles = [
        _report(
            "a",
            "Reuters",
            "Quake shakes southern Chile",
            "SANTIAGO (Reuters) - A magnitude 6.8 earthquake struck southern Chile on Monday, "
            "damaging houses in Temuco and cutting power to thousands of homes.",
        ),
        _report(
            "b",
            "BBC",
            "Strong earthquake hits Chile",
            "A magnitude 6.8 earthquake struck southern Chile on Monday, damaging houses in "
            "Temuco and cutting power to tens of thousands of homes, officials said.",
        ),
        _report(
            "c",
            "AP",
            "Museum opens in Oslo",
            "A new museum devoted to Edvard Munch opened in Oslo on Monday with a show of his "
            "late paintings.",
        ),
    ]
    stories = group_stories(articles, ORTHOGONAL, threshold=0.7)
    assert sorted(sorted(a.article_id for a in s.articles) for s in stories) == [["a", "b"], ["c"]]
    assert len(group_stories(articles, None, threshold=0.7)) == 2  # no vectors at all


def test_reports_with_the_same_title_join_one_story() -> None:
    articles = [
        _report("a", "CNN", "Trump says House GOP should vote to release the Epstein files", "x"),
        _report("b", "Fox", "Trump says House GOP should vote to release the Epstein files!", "y"),
        _report("c", "AP", "Live updates", "z"),
    ]
    stories = group_stories(articles, ORTHOGONAL, threshold=0.7)
    assert sorted(len(s.articles) for s in stories) == [1, 2]


def test_stories_sharing_only_a_page_note_or_a_short_title_stay_apart() -> None:
    articles = [
        _report(
            "a",
            "USA Today",
            "Live updates",
            "This story was updated with new information.\n\nSen. Cory Booker delivered the "
            "longest recorded floor speech in Senate history on Tuesday.",
        ),
        _report(
            "b",
            "USA Today",
            "Live updates",
            "This story was updated to add new information.\n\nMeteorologists predict the "
            "Midwest will again be hit by a devastating storm system on Friday.",
        ),
    ]
    assert len(group_stories(articles, np.eye(2, dtype=np.float32), threshold=0.7)) == 2


@pytest.mark.parametrize(
    ("lede", "first"),
    [
        (
            "June 9, 2025 Updated June 10, 2025, 12:44 p.m.\n\nMarines are heading to Los "
            "Angeles, the Pentagon said.",
            "Marines are heading to Los Angeles, the Pentagon said.",
        ),
        (
            "Updated Feb. 3, 2025, 4:02 p.m. ET\nPresident Trump paused tariffs on Mexico.",
            "President Trump paused tariffs on Mexico.",
        ),
        (
            "LAGOS (AP) — Nigeria's electoral commission set a date for the polls.",
            "Nigeria's electoral commission set a date for the polls.",
        ),
        (
            "Joanna Plucinska\nReuters\nWASHINGTON – President Trump said he plans to make "
            "changes to the crackdown.",
            "President Trump said he plans to make changes to the crackdown.",
        ),
        (
            "Editor's note: This page reflects the news from the protests on Monday.\n"
            "PARAMOUNT, CA – Perched on a lawn chair outside a store, he waited for work.",
            "Perched on a lawn chair outside a store, he waited for work.",
        ),
        (
            "May 5, 2025 was a day to remember for the city of Paris.",
            "May 5, 2025 was a day to remember for the city of Paris.",
        ),
        (
            "This story was updated with new information.\n\nSen. Cory Booker spoke for 25 "
            "hours on the Senate floor.",
            "Sen. Cory Booker spoke for 25 hours on the Senate floor.",
        ),
        (
            "Love movies? Live for TV? USA TODAY's Watch Party newsletter has all the best "
            "recommendations. Sign up now.\n\nDisney keeps remaking its animated films.",
            "Disney keeps remaking its animated films.",
        ),
        (
            "Kathi Edwards\n\nSpecial to the Rockford Register Star\n\nThe weekend brings "
            "Friday Night Flix and the annual garage sale.",
            "The weekend brings Friday Night Flix and the annual garage sale.",
        ),
        (
            "Chris Kirkham\n\nReuters\n\nMarch 10, 2025, 2:29 p.m. ET\n\nTesla's stock has "
            "dropped by nearly half in three months.",
            "Tesla's stock has dropped by nearly half in three months.",
        ),
        (
            "AI-assisted summary Conservative activist Charlie Kirk was shot at an event in Utah.",
            "Conservative activist Charlie Kirk was shot at an event in Utah.",
        ),
    ],
)
def test_lines_start_after_time_stamps_and_datelines(lede: str, first: str) -> None:
    from assistant.briefing.stories import lede_sentences

    assert lede_sentences(_article("x", 10, lede))[0] == first


@pytest.mark.integration
def test_the_real_model_groups_the_fixture_stories_at_the_default_threshold(
    newsdesk_home: Path,
) -> None:
    settings = Settings(home=newsdesk_home)  # default threshold, the packaged embedding model
    index.build([str(FIXTURES)], settings)
    answer = Assistant(settings, llm=object()).brief("What happened this week?", as_of=AS_OF)
    assert len(answer.items) == 3
    assert sum("Arctic" in item.text for item in answer.items) == 1
    assert sum("strike" in item.text for item in answer.items) == 1


def test_a_follow_up_after_a_briefing_keeps_its_kind_and_period(assistant: Assistant) -> None:
    history = [("What happened last week?", "2025-03-05 — Heavy rain flooded valleys ... [1]")]
    answer = assistant.ask("and what about Norway?", history=history, as_of=AS_OF)
    assert answer.kind == "briefing"
    assert len(answer.items) == 1 and "flooded valleys in western Norway" in answer.items[0].text
