"""API response models: the shapes the service sends, as documented in its OpenAPI schema.

Separate from the domain types (``knowledge.domain``, ``assistant.rooms``, ...): a route maps a
domain result to one of these, and FastAPI validates every response against its model, so the
published schema and what the service sends cannot drift apart. Amounts are strings ("199.00"),
times are ISO 8601 with an offset.
"""
