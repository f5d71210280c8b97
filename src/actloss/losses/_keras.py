"""Losses: keras family."""

from __future__ import annotations
