"""Review: what a review waits for outside the agencies: the post-mortem and the inquest,
recorded on the case."""
