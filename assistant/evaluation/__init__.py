"""Evaluation of Newsdesk on question sets over a closed news corpus (``newsdesk eval``).

Retrieval quality (recall@k, MRR) for dense, keyword, hybrid and a naive LangChain baseline, and
answer quality (accuracy, citation precision, abstention, false refusal) per LLM backend.
"""

from assistant.evaluation.data import (
    CorpusArticle,
    EvalDataError,
    Question,
    load_corpus,
    load_questions,
)
from assistant.evaluation.runner import EvalConfig, EvalResult, run_evaluation

__all__ = [
    "CorpusArticle",
    "EvalConfig",
    "EvalDataError",
    "EvalResult",
    "Question",
    "load_corpus",
    "load_questions",
    "run_evaluation",
]
