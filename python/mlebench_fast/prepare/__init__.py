"""Dataset preparation: the reference's train/test splits of each competition, reproduced
byte for byte from the Kaggle download (see `pipeline` for the command's behaviour,
`recipe` for the declarative `prepare.yaml` recipes, `custom` for competition-specific code)."""

from .pipeline import PrepareError, is_prepared, prepare_competition, prepare_spec, prepare_status

__all__ = ["PrepareError", "is_prepared", "prepare_competition", "prepare_spec", "prepare_status"]
