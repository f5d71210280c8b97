"""actloss benchmarks: run ``python -m benchmarks`` (never part of the test suite)."""
