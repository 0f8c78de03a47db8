# Master IA — the two commands that matter are `make up` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: up down logs status test lint typecheck pytest bench docs clean setup simulate

up:            ## infrastructure + migrations + every service; prints the URLs
	@deploy/local/up.sh

down:          ## stop everything `make up` or `make test` started
	@deploy/local/down.sh

logs:          ## follow the services' logs (prefixed by service)
	@tail -n 100 -F .local/logs/services.log

status:
	@deploy/local/infra.sh status

setup:         ## toolchain and workspace only (uv, .venv from uv.lock)
	@deploy/local/bootstrap.sh

test: setup    ## lint, types, then every test on the real servers
	@deploy/local/infra.sh up
	@$(MAKE) --no-print-directory lint typecheck
	@MIA_TEST_DASHBOARD=1 deploy/local/run-tests.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck:
	.venv/bin/mypy libs/common/src $(wildcard services/*/src) $(wildcard tools/*/src)

pytest:
	@deploy/local/run-tests.sh

bench:         ## benchmarks that print their figures (needs the local infrastructure)
	$(PY) bench/kafka_roundtrip.py
	$(PY) bench/gateway.py
	$(PY) bench/meta_ingest_webhook.py
	$(PY) bench/end_to_end.py
	$(PY) bench/sender_pacing.py
	$(PY) bench/crm_import.py
	$(PY) bench/crm_segments.py
	$(PY) bench/crm_board.py
	$(PY) bench/campaign_fanout.py
	$(PY) bench/ai_retrieval.py
	$(PY) bench/ai_reply.py
	@deploy/local/chromium.sh >/dev/null
	@deploy/local/dashboard.sh build
	$(PY) bench/inbox_first_list.py

simulate:      ## customers of the Meta sandbox write in (after make up); N=5 conversations; REPLIES=10: the last 10 people sent to reply
	$(PY) -m mia_meta_sandbox.simulate --conversations $${N:-5} --replies $${REPLIES:-0}

docs:          ## regenerate docs/asyncapi.yaml from the contracts
	$(PY) -m mia_common.messaging.asyncapi > docs/asyncapi.yaml

clean:         ## stop everything and wipe .local/ (data, logs, jars, tools)
	@deploy/local/down.sh || true
	@deploy/local/infra.sh clean
