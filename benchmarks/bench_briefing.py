"""Briefings and timelines on RealTimeQA (issue 11).

    python benchmarks/bench_briefing.py [--home DIR] [--workdir DIR] [--thresholds 0.7,0.8] [--json]

RealTimeQA's questions are weekly quizzes on that week's news. For each quiz date D this builds
the briefing of the 7 days before D (``[D-7, D]``, no topic) over the index and reports the
share of that week's questions whose answer article (``answer_doc_ids``, or an article of the
same story) is among the briefing's top 10 stories, against two baselines: the 10 most recent
articles of the week, and the 10 articles of the week most similar to the word "news". Also:
duplicate stories per briefing, time per briefing (no LLM), the calibration of the
near-duplicate threshold (cosine of first-chunk vectors) on pairs of answer articles of one
question (same story) vs. answer articles of different questions of one week, and timelines
(order and coverage) on multi-day stories built from the questions' answer articles.

``--home`` is an index of the whole corpus (e.g. a copy of the evaluation index). Without it, a
"lede index" is built once in ``--workdir``: every article published in a quiz window, its text
cut to its first ~700 characters (one chunk each: briefings only read first chunks).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sqlite3
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.briefing.briefing import Period, briefing, period_stories  # noqa: E402
from assistant.briefing.stories import best_sentence, group_stories  # noqa: E402
from assistant.briefing.timeline import timeline, topic_stories  # noqa: E402
from assistant.briefing.vectors import StoredVectors  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.stores.period import PeriodQueries  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval" / "realtimeqa"
TOP = 10
LEDE_CHARS = 700


def main() -> None:
    args = _arguments()
    questions = [json.loads(line) for line in (EVAL / "questions.jsonl").open()]
    weeks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for question in questions:
        weeks[question["date"]].append(question)
    home = args.home or _lede_index(args.workdir, sorted(weeks))
    settings = Settings(home=home)
    queries = PeriodQueries(settings.catalog_path)
    vectors = StoredVectors.open(settings)
    canonical = _canonical_map(settings.catalog_path)
    from index.embeddings import load_embedder

    embedder = load_embedder(settings)
    news = embedder.embed(["news"])[0]
    news = news / np.linalg.norm(news)

    results: dict[str, Any] = {"home": str(home), "weeks": len(weeks), "questions": len(questions)}
    results["calibration"] = _calibrate(weeks, queries, vectors, canonical)
    results["thresholds"] = {}
    for threshold in args.thresholds:
        results["thresholds"][f"{threshold:.2f}"] = _briefings(
            weeks, queries, vectors, canonical, news, threshold
        )
    results["timelines"] = _timelines(
        questions, settings, queries, vectors, canonical, embedder, args.thresholds[0]
    )
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        _print(results)


def _briefings(
    weeks: dict[str, list[dict[str, Any]]],
    queries: PeriodQueries,
    vectors: StoredVectors,
    canonical: dict[str, str],
    news: np.ndarray,
    threshold: float,
) -> dict[str, Any]:
    names = ("briefing", "briefing_cited", "recent", "news")
    hits = dict.fromkeys(names, 0)
    strict = dict.fromkeys(names, 0)
    reachable = 0
    reachable_hits = dict.fromkeys(names, 0)
    total = 0
    seconds: list[float] = []
    duplicates: list[int] = []
    stories_per_week: list[int] = []
    covered: list[int] = []
    joined = {"same": [0, 0], "different": [0, 0]}  # [joined, pairs] of answer articles
    for quiz, asked in sorted(weeks.items()):
        period = _window(quiz)
        started = time.perf_counter()
        briefing(
            queries, vectors, question="", topic="", period=period, limit=TOP, threshold=threshold
        )
        seconds.append(time.perf_counter() - started)
        articles, ranked = period_stories(queries, vectors, period, "", (), threshold)
        stories_per_week.append(len(ranked))
        covered.append(sum(len(s.articles) for s, _ in ranked[:TOP]))
        story_of = {a.article_id: s.story_id for s, _ in ranked for a in s.articles}
        listed = {
            "briefing": [s for s, _ in ranked[:TOP]],
        }
        top_ids = {"briefing": {a.article_id for s in listed["briefing"] for a in s.articles}}
        # the 10 articles the briefing cites (one per story): the same budget as the baselines
        top_ids["briefing_cited"] = {best_sentence(s)[0].article_id for s in listed["briefing"]}
        newest = sorted(articles, key=lambda a: a.published, reverse=True)[:TOP]  # all dated
        top_ids["recent"] = {a.article_id for a in newest}
        if articles:
            matrix = vectors.vectors(articles)
            order = np.argsort(-(matrix @ news))[:TOP]
            top_ids["news"] = {articles[i].article_id for i in order}
            duplicates.append(_duplicate_pairs(listed["briefing"]))
        else:
            top_ids["news"] = set()
            duplicates.append(0)
        window_ids = {a.article_id for a in articles}
        _count_joins(asked, canonical, story_of, joined)
        for question in asked:
            total += 1
            answers = {canonical.get(i, i) for i in question["answer_doc_ids"]}
            answer_stories = {story_of[i] for i in answers if i in story_of}
            in_window = bool(answers & window_ids)
            reachable += in_window
            for name, ids in top_ids.items():
                listed_stories = {story_of[i] for i in ids if i in story_of}
                if answers & ids:
                    strict[name] += 1
                if answers & ids or answer_stories & listed_stories:
                    hits[name] += 1
                    reachable_hits[name] += in_window
    return {
        "questions": total,
        "reachable": reachable,
        "hit_story": {k: round(v / total, 3) for k, v in hits.items()},
        "hit_article": {k: round(v / total, 3) for k, v in strict.items()},
        "hit_story_reachable": {
            k: round(v / max(reachable, 1), 3) for k, v in reachable_hits.items()
        },
        "answer_pairs_joined": {
            name: {"pairs": n, "joined": round(k / max(n, 1), 4)} for name, (k, n) in joined.items()
        },
        "duplicate_pairs_per_briefing": round(statistics.mean(duplicates), 3),
        "briefings_with_duplicates": sum(1 for d in duplicates if d),
        "stories_per_week_median": statistics.median(stories_per_week),
        "articles_in_top_stories_median": statistics.median(covered),
        "seconds_p50": round(statistics.median(seconds), 4),
        "seconds_p95": round(sorted(seconds)[int(0.95 * (len(seconds) - 1))], 4),
    }


def _count_joins(
    asked: list[dict[str, Any]],
    canonical: dict[str, str],
    story_of: dict[str, str],
    joined: dict[str, list[int]],
) -> None:
    """Pairs of the week's answer articles put in one story: of one question (the same story,
    mostly) and of different questions (different stories, mostly: the false-join rate)."""
    owner: dict[str, set[int]] = defaultdict(set)
    for n, question in enumerate(asked):
        for i in question["answer_doc_ids"]:
            if canonical.get(i, i) in story_of:
                owner[canonical.get(i, i)].add(n)
    for x, y in itertools.combinations(sorted(owner), 2):
        row = joined["same" if owner[x] & owner[y] else "different"]
        row[0] += story_of[x] == story_of[y]
        row[1] += 1


def _duplicate_pairs(stories: list[Any]) -> int:
    """Pairs of listed stories that report the same thing by a measure the grouping does not
    use: an equal title, or first lede sentences sharing >= 60 % of their content words."""
    from assistant.briefing.stories import lede_sentences
    from assistant.text import content_stems

    marks = [
        [(a.title.strip().lower(), content_stems(lede_sentences(a)[0])) for a in story.articles]
        for story in stories
    ]
    pairs = 0
    for i, j in itertools.combinations(range(len(marks)), 2):
        if any(_alike(x, y) for x in marks[i] for y in marks[j]):
            pairs += 1
    return pairs


def _alike(x: tuple[str, set[str]], y: tuple[str, set[str]]) -> bool:
    if x[0] == y[0]:
        return True
    union = x[1] | y[1]
    return bool(union) and len(x[1] & y[1]) / len(union) >= 0.6


def _calibrate(
    weeks: dict[str, list[dict[str, Any]]],
    queries: PeriodQueries,
    vectors: StoredVectors,
    canonical: dict[str, str],
) -> dict[str, Any]:
    """Cosine of answer articles of one question (same story) vs. of different questions."""
    same: list[float] = []
    other: list[float] = []
    for asked in weeks.values():
        groups = [
            sorted({canonical.get(i, i) for i in question["answer_doc_ids"]}) for question in asked
        ]
        ids = sorted({i for group in groups for i in group})
        articles = queries.articles(ids)
        index = {a.article_id: n for n, a in enumerate(articles)}
        if len(articles) < 2:
            continue
        matrix = vectors.vectors(articles)
        sims = matrix @ matrix.T
        owner: dict[str, set[int]] = defaultdict(set)
        for g, group in enumerate(groups):
            for i in group:
                owner[i].add(g)
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                x, y = ids[a], ids[b]
                if x not in index or y not in index:
                    continue
                value = float(sims[index[x], index[y]])
                (same if owner[x] & owner[y] else other).append(value)
    table = {}
    for cut in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9):
        joined_same = sum(v >= cut for v in same)
        joined_other = sum(v >= cut for v in other)
        table[f"{cut:.2f}"] = {
            "same_story_joined": round(joined_same / max(len(same), 1), 3),
            "different_joined": round(joined_other / max(len(other), 1), 4),
        }
    return {"same_pairs": len(same), "different_pairs": len(other), "by_threshold": table}


def _timelines(
    questions: list[dict[str, Any]],
    settings: Settings,
    queries: PeriodQueries,
    vectors: StoredVectors,
    canonical: dict[str, str],
    embedder: Any,
    threshold: float,
) -> dict[str, Any]:
    """Stories = a question's answer articles on >= 2 distinct days, joined by the links."""
    from assistant.retriever import HybridRetriever

    retriever = HybridRetriever.from_settings(settings, embedder=embedder)
    coverage: list[float] = []
    inversions = 0
    wrong_dates = 0
    items = 0
    seconds: list[float] = []
    seen: set[tuple[str, ...]] = set()
    for question in questions:
        ids = tuple(sorted({canonical.get(i, i) for i in question["answer_doc_ids"]}))
        articles = [a for a in queries.articles(ids) if a.published]
        if len({a.published.date() for a in articles}) < 2 or ids in seen:
            continue
        seen.add(ids)
        matrix = vectors.vectors(articles)
        stories = group_stories(articles, matrix, threshold)
        story = max(stories, key=lambda s: len(s.articles))
        if len(story.articles) < 2:
            continue
        topic = story.articles[0].title
        as_of = datetime.combine(date.fromisoformat(question["date"]), datetime.max.time(), UTC)
        started = time.perf_counter()
        found, _ = topic_stories(
            retriever, queries, vectors, topic=topic, filters=None, as_of=as_of, threshold=threshold
        )
        answer = timeline(found, question=topic, topic=topic)
        seconds.append(time.perf_counter() - started)
        cited = {c.n: c for c in answer.citations}
        listed = {cited[item.citations[0]].article_id for item in answer.items}
        wanted = {a.article_id for a in story.articles}
        coverage.append(len(wanted & listed) / len(wanted))
        dates = [item.date for item in answer.items if item.date]
        inversions += sum(1 for a, b in itertools.pairwise(dates) if b < a)
        for item in answer.items:
            items += 1
            wrong_dates += item.date != cited[item.citations[0]].published
    return {
        "stories": len(coverage),
        "items_per_timeline": round(items / max(len(coverage), 1), 1),
        "coverage_mean": round(statistics.mean(coverage), 3) if coverage else None,
        "complete_stories": sum(1 for c in coverage if c == 1.0),
        "date_inversions": inversions,
        "items": items,
        "items_with_wrong_date": wrong_dates,
        "seconds_p50": round(statistics.median(seconds), 3) if seconds else None,
    }


def _lede_index(workdir: Path, quiz_dates: list[str]) -> Path:
    """An index of the quiz windows' articles, cut to their ledes (built once, reused)."""
    import index

    home = workdir / "lede-home"
    settings = Settings(home=home)
    if settings.catalog_path.exists() and index.stats(settings).articles:
        return home
    windows = [_window(day) for day in quiz_dates]
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "ledes.jsonl"
    kept = 0
    with gzip.open(EVAL / "corpus.jsonl.gz", "rt") as corpus, path.open("w") as out:
        for line in corpus:
            record = json.loads(line)
            published = _published(record.get("published"))
            if published is None or not any(
                w.since <= published <= w.until
                for w in windows  # type: ignore[operator]
            ):
                continue
            record["text"] = _lede(record.get("text") or "")
            out.write(json.dumps(record) + "\n")
            kept += 1
    print(f"indexing {kept} window articles (ledes) into {home} ...", file=sys.stderr)
    index.build([str(path)], settings)
    return home


def _lede(text: str) -> str:
    if len(text) <= LEDE_CHARS:
        return text
    cut = text.rfind(". ", 0, LEDE_CHARS)
    return text[: cut + 1] if cut > LEDE_CHARS // 2 else text[:LEDE_CHARS]


def _window(quiz: str) -> Period:
    day = date.fromisoformat(quiz)
    since = datetime.combine(day - timedelta(days=7), datetime.min.time(), UTC)
    return Period(since, datetime.combine(day, datetime.max.time(), UTC))


def _published(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _canonical_map(path: Path) -> dict[str, str]:
    """Each indexed copy or duplicate -> the article holding its chunks."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT id, canonical_id FROM articles WHERE canonical_id IS NOT NULL")
        return dict(rows.fetchall())
    finally:
        db.close()


def _print(results: dict[str, Any]) -> None:
    print(f"index: {results['home']}; {results['weeks']} quiz weeks, {results['questions']} q")
    calibration = results["calibration"]
    print(
        f"calibration: {calibration['same_pairs']} same-story pairs, "
        f"{calibration['different_pairs']} different-story pairs"
    )
    for cut, row in calibration["by_threshold"].items():
        print(
            f"  cos >= {cut}: same joined {row['same_story_joined']}, "
            f"different joined {row['different_joined']}"
        )
    for cut, row in results["thresholds"].items():
        print(f"threshold {cut}: {json.dumps(row)}")
    print(f"timelines: {json.dumps(results['timelines'])}")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="index of the whole corpus (read only)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/newsdesk-bench-briefing"))
    parser.add_argument(
        "--thresholds",
        type=lambda text: [float(x) for x in text.split(",")],
        default=[0.7, 0.6, 0.8, 0.9],
        help="near-duplicate thresholds to compare (the first also drives the timelines)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser.parse_args()


if __name__ == "__main__":
    main()
