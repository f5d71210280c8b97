"""Losses: segmentation family."""

from __future__ import annotations
