"""The lab: embedded data, models, a transparent trainer, experiments and the report."""
