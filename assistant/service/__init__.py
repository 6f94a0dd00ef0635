"""The HTTP service: app factory, settings, wiring, routes."""
