"""The report's sections: each builds its part of the :class:`~bench.report.document.Document`
from an :class:`~bench.stats.analysis.Analysis`."""
