"""Thin adapters of :func:`actloss.watch` for the trainers people use.

Each lives in its own module and imports its library only there, so the core stays
lean: :mod:`actloss.integrations.lightning` (a Lightning ``Callback``) and
:mod:`actloss.integrations.transformers` (a Hugging Face ``TrainerCallback``).
"""
