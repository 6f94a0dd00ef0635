"""The one LLM client (any OpenAI-compatible endpoint) and the guard on what it may say."""
