"""The danmaku pipeline: normalise, triage, resolve the product, answer, cache, comply."""
