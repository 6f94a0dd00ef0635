"""Thin HTTP routers: HTTP <-> domain only."""
