"""How long one work item takes on the CPU: raw + ae/mlp/pca on one split of credit_g.

Run with ``nox -s perf``. The quick suite is 78 such items (smaller datasets on average), so this
is the number that decides whether ``bench run`` stays within its 5-minute budget.
"""

from __future__ import annotations

from bench.device import resolve_device
from bench.plan import DatasetJob, make_plan
from bench.runner import RunContext, run_job
from bench.suite_loader import load_suite


def test_quick_suite_work_item_credit_g(benchmark) -> None:
    suite = load_suite("quick")
    spec_index = next(i for i, s in enumerate(suite.datasets) if s.name == "credit_g")
    item = next(i for i in make_plan(suite).items if i.dataset == "credit_g")
    ctx = RunContext(suite, "perf", suite.config_hash(), resolve_device("cpu"))
    job = DatasetJob("credit_g", spec_index, (item,))
    (result,) = benchmark.pedantic(lambda: list(run_job(job, ctx)), rounds=3, iterations=1)
    assert len(result.rows) == 7
    assert all(r["status"] == "ok" for r in result.rows)
