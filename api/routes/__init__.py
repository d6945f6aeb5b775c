"""Sanic blueprints, one per area."""
