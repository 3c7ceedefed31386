"""The message catalogue: every text a user reads, in Vietnamese."""
