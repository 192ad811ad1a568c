"""The report's sections: each module turns an :class:`~bench.stats.analysis.Analysis` into a
``list[Block]``; :func:`bench.report.content.build_document` puts them in order."""
