"""hvmdoc benchmarks: ``make bench`` (``python -m bench``)."""
