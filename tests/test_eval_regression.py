"""CI guard: hybrid retrieval and extractive answer quality on a fixed slice of RealTimeQA
must not regress.

The slice: the first 30 questions of ../shared/eval/realtimeqa, over a corpus of the articles a
web search returned for them plus a fixed sample of 50 other articles (read in place, written
only to the test's temporary folder). Real embedding model, no LLM.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest

from assistant.evaluation.runner import EvalConfig, run_evaluation
from index.settings import Settings

REALTIMEQA = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "realtimeqa"
QUESTIONS = 30
OTHER_ARTICLES = 50
SEED = 20260101

# Measured on this slice (2026-11-29, MiniLM ONNX int8, 312 articles, 4,168 chunks, retriever
# with the article-level BM25 ranking): hybrid recall@5 = 0.867 (26 of 30), MRR@10 0.751,
# recall@10 1.0; bm25 alone 0.800. (Over all 619 questions the same retriever gives 0.850,
# up from 0.821; on these 30 it trades two top-5 hits for a better MRR.) The floor allows two
# more misses.
HYBRID_RECALL_AT_5_FLOOR = 0.80
# The extractive backend on the same slice (no LLM, so cheap enough for CI), measured
# 2026-12-01: accuracy 0.333 (10 of 30), abstention on the unanswerable variants 0.600 (18 of
# 30), false refusal 0.367, label-free 0.867. Measured again 2026-12-04 after the one grounding
# pipeline (issues 18/20: nupunkt sentences, Snowball stems, the question analysed once):
# accuracy 0.267 (8 of 30), abstention 0.567 (17 of 30), false refusal 0.333, label-free
# 0.867, choice accuracy 0.233; hybrid recall@5 0.900. Each floor allows two more misses.
# At 67d45bb (questions about this week need a source from it; "U.S." is "US"): accuracy 0.333
# (10 of 30), abstention 0.533 (16 of 30), false refusal 0.267, choice 0.267; the accuracy
# floor is raised to allow two more misses, the abstention floor allows one.
# At db8ab9d (sentences embedded in batches of like length, which moves their int8 vectors a
# little): accuracy 0.300 (9 of 30), abstention 0.533; the floors allow one and two misses.
# At 9cb6f6f (sentences ranked by their chance to hold the answer, a second one of the same
# article, the source names all the question names): accuracy 0.333 (10 of 30), abstention
# 0.667 (20 of 30), false refusal 0.367, citation precision 1.000, choice 0.300; the
# abstention floor is raised to allow two more misses.
EXTRACTIVE_ACCURACY_FLOOR = 0.26
EXTRACTIVE_ABSTENTION_FLOOR = 0.59
# The default reader (packaged Qwen2.5-Coder-0.5B, served by its child process) on the same
# slice, measured 2026-12-04 at 1fe0e7d: accuracy 0.300 (9 of 30), abstention 0.433 (13 of 30),
# false refusal 0.133, citation precision 0.889, choice accuracy 0.300 (all 619: BENCHMARKS.md).
# Again at 07f4a95 (an echo of the question gets the extractive answer): accuracy 0.300,
# abstention 0.467 (14 of 30), false refusal 0.133, citation precision 0.889, choice 0.300.
# Again at ddd527e (short answers checked with the question; extractive votes on names): the
# same figures, and extractive unchanged on this slice (accuracy 0.267, abstention 0.567).
# At 67d45bb: accuracy 0.333 (10 of 30), abstention 0.467, false refusal 0.133, citation
# precision 0.900, choice 0.300; hybrid recall@5 0.900.
# At db8ab9d with the weights read as Q8_0 (then on request): accuracy 0.367 (11 of 30),
# abstention 0.467, citation precision 1.000.
# At 3d82bca (Q8_0 the default, the shorter reader instruction): accuracy 0.400 (12 of 30),
# abstention 0.500 (15 of 30), false refusal 0.200, citation precision 1.000, choice 0.367.
# At a9b1825 (the reader saw the 5 sources, 2,400 characters; reverted, BENCHMARKS.md): accuracy
# 0.400, abstention 0.433 (13 of 30), false refusal 0.133, citation precision 1.000.
# Accuracy and abstention allow two more misses; citation precision about two more bad citations.
LOCAL_ACCURACY_FLOOR = 0.33
LOCAL_ABSTENTION_FLOOR = 0.43
LOCAL_CITATION_PRECISION_FLOOR = 0.75


def _figure(scores: dict[str, float | None], name: str) -> float:
    """One measure of a backend's answers (undefined only when no question was measured)."""
    value = scores[name]
    assert value is not None, f"{name} is undefined: no question was measured"
    return value


def _slice(folder: Path) -> tuple[Path, Path]:
    lines = (REALTIMEQA / "questions.jsonl").read_text(encoding="utf-8").splitlines()[:QUESTIONS]
    wanted = {doc for line in lines for doc in json.loads(line)["retrieved_doc_ids"]}
    with gzip.open(REALTIMEQA / "corpus.jsonl.gz", "rt", encoding="utf-8") as corpus:
        records = [line for line in corpus if line.strip()]
    ids = [json.loads(line)["id"] for line in records]
    others = sorted(i for i in range(len(records)) if ids[i] not in wanted)
    chosen = set(random.Random(SEED).sample(others, OTHER_ARTICLES))
    questions = folder / "questions.jsonl"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sliced = folder / "corpus.jsonl"
    sliced.write_text(
        "".join(line for i, line in enumerate(records) if ids[i] in wanted or i in chosen),
        encoding="utf-8",
    )
    return questions, sliced


@pytest.mark.integration
@pytest.mark.shared
@pytest.mark.timeout(1800)  # ~1 minute on 2 idle cores; far longer on a busy machine
def test_hybrid_recall_on_realtimeqa_slice(tmp_path: Path, settings: Settings) -> None:
    questions, corpus = _slice(tmp_path)
    config = EvalConfig(
        questions=questions, corpus=corpus, llms=("extractive",), retrievers=("bm25", "hybrid")
    )
    result = run_evaluation(config, settings)
    print(json.dumps(result.to_json(), indent=2), result.seconds_summary())
    recall = result.retrieval["hybrid"]["recall@5"]
    assert recall >= HYBRID_RECALL_AT_5_FLOOR, (
        f"hybrid recall@5 fell to {recall:.3f} (floor {HYBRID_RECALL_AT_5_FLOOR}); "
        "a retrieval change made answers harder to find"
    )
    extractive = result.answers["extractive"]
    assert _figure(extractive, "accuracy") >= EXTRACTIVE_ACCURACY_FLOOR, (
        f"extractive accuracy fell to {extractive['accuracy']:.3f} "
        f"(floor {EXTRACTIVE_ACCURACY_FLOOR}): an answering change made answers worse"
    )
    assert _figure(extractive, "abstention") >= EXTRACTIVE_ABSTENTION_FLOOR, (
        f"extractive abstention fell to {extractive['abstention']:.3f} "
        f"(floor {EXTRACTIVE_ABSTENTION_FLOOR}): it answers where the news holds no answer"
    )


@pytest.mark.integration
@pytest.mark.shared
@pytest.mark.timeout(2400)  # ~5 minutes on 2 idle cores (60 answers from the 0.5B)
def test_local_reader_on_realtimeqa_slice(tmp_path: Path, settings: Settings) -> None:
    """The default reader (Qwen 0.5B read as Q8_0, in its own process) on the same slice."""
    questions, corpus = _slice(tmp_path)
    config = EvalConfig(
        questions=questions, corpus=corpus, llms=("local",), retrievers=("hybrid",), views=False
    )
    result = run_evaluation(config, settings)
    print(json.dumps(result.to_json(), indent=2), result.seconds_summary())
    local = result.answers["local"]
    assert _figure(local, "accuracy") >= LOCAL_ACCURACY_FLOOR, (
        f"local accuracy fell to {local['accuracy']:.3f} (floor {LOCAL_ACCURACY_FLOOR}): "
        "a change to the prompt, the view or the verifier made the default reader worse"
    )
    assert _figure(local, "abstention") >= LOCAL_ABSTENTION_FLOOR, (
        f"local abstention fell to {local['abstention']:.3f} (floor {LOCAL_ABSTENTION_FLOOR}): "
        "the default reader answers where the news holds no answer"
    )
    assert _figure(local, "citation_precision") >= LOCAL_CITATION_PRECISION_FLOOR, (
        f"local citation precision fell to {local['citation_precision']:.3f} "
        f"(floor {LOCAL_CITATION_PRECISION_FLOOR}): answers cite articles that do not hold them"
    )
