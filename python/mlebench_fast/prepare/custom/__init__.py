"""Competition-specific preparation code, for the steps a declarative recipe cannot say.
Each module's `prepare(ctx)` is called by a `call:` step of the competition's prepare.yaml."""
