"""Executors run dataset jobs and stream back each work item's rows as it finishes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from bench.plan import DatasetJob, RowKey
from bench.runner import ItemResult, RunContext, run_job


class LocalExecutor:
    """Runs jobs one after another in this process (torch and XGBoost use all cores)."""

    name = "local"

    def run(
        self,
        jobs: Sequence[DatasetJob],
        ctx: RunContext,
        *,
        skip: frozenset[RowKey] | set[RowKey],
        on_unit: Callable[[str], None],
    ) -> Iterator[ItemResult]:
        for job in jobs:
            yield from run_job(job, ctx, skip=skip, on_unit=on_unit)
