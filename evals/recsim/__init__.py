"""A synthetic live room for replay-evaluating recommendations (see ``evals.recsim.simulator``)."""
