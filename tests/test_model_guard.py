"""An unmarked test cannot load a real language model; an integration test may."""

from __future__ import annotations

import os

import pytest

from assistant.backends.guard import ALLOW_MODEL_LOAD, ModelLoadForbidden, check_model_load


def test_an_unmarked_test_may_not_load_a_model() -> None:
    assert os.environ[ALLOW_MODEL_LOAD] == "0"
    with pytest.raises(ModelLoadForbidden, match="must be marked integration"):
        check_model_load("the packaged Qwen model")


@pytest.mark.integration
def test_an_integration_test_may() -> None:
    check_model_load("the packaged Qwen model")
