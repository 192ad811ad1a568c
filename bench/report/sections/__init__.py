"""The report's sections: each turns part of an :class:`~bench.stats.analysis.Analysis` into
format-neutral blocks (``bench.report.document``)."""
