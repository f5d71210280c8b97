"""Command-line groups; see :mod:`actloss.cli`."""
