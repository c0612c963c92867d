"""The pure helpers of benchmarks/bench_answer.py (the benchmark itself is not run in CI)."""

from __future__ import annotations

from types import SimpleNamespace

from benchmarks.bench_answer import markdown, naive_prompt, select_articles, summarize


def _row(total: float, correct: bool) -> dict[str, float | bool]:
    row: dict[str, float | bool] = {
        "first_text": total,
        "first_token": total / 2,
        "total": total,
        "retrieve": 0.01,
        "generate": total - 0.01,
        "verify": 0.0,
        "first_token_cpu": total,
        "total_cpu": 2 * total,
        "prompt_tokens": 400,
        "generated_tokens": 10,
        "correct": correct,
    }
    return row


def test_select_articles_keeps_every_answer_article_and_a_fixed_sample_of_others() -> None:
    questions = [SimpleNamespace(answer_doc_ids=("a", "b")), SimpleNamespace(answer_doc_ids=("c",))]
    ids = [f"x{i}" for i in range(50)] + ["a", "b", "c"]
    chosen = select_articles(questions, ids, others=5)
    assert {"a", "b", "c"} <= chosen and len(chosen) == 8
    assert chosen == select_articles(questions, ids, others=5)  # reproducible
    assert select_articles(questions, ["a", "b", "c", "d"], others=10) == {"a", "b", "c", "d"}


def test_naive_prompt_stuffs_the_chunks_between_instructions_and_question() -> None:
    prompt = naive_prompt("Who won?", ["first chunk", "second chunk"])
    assert prompt.startswith("Use the following pieces of context")
    assert "first chunk\n\nsecond chunk\n\nQuestion: Who won?\nHelpful Answer:" in prompt


def test_summary_and_table_report_medians_ratios_and_accuracy() -> None:
    ours = summarize([_row(1.0, True), _row(2.0, False), _row(3.0, True)])
    naive = summarize([_row(4.0, False), _row(6.0, False), _row(8.0, True)])
    assert ours["total_p50"] == 2.0 and ours["first_token_p50"] == 1.0
    assert abs(ours["accuracy"] - 2 / 3) < 1e-9 and ours["prompt_tokens_p50"] == 400
    report = {
        "questions": 3,
        "model": "qwen2.5-0.5b",
        "threads": 2,
        "max_tokens": 48,
        "load": (1.0, 1.0, 1.0),
        "summary": {"ours": ours, "naive": naive},
    }
    table = markdown(report)
    assert table.startswith("Answer latency on RealTimeQA (3 questions, qwen2.5-0.5b, 2 threads")
    assert (
        "| Newsdesk (local, model in its child process) | 2.00 / " in table
        and "| naive LangChain | 6.00 / " in table
    )
    assert "total 0.33x" in table
    del report["summary"]["naive"]
    assert "naive" not in markdown(report)
