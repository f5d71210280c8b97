"""Losses: gan family."""

from __future__ import annotations
