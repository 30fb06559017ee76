"""Review: the Joint Agency Response and the Child Death Review Meeting records."""
