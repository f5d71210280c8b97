"""Losses: metric family."""

from __future__ import annotations
