"""The HTTP layer: configuration, validation, the download guard, the pipeline and the Sanic blueprints."""
