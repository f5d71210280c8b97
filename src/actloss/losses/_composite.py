"""Losses: composite family."""

from __future__ import annotations
