"""Cases: one child's death, however many notifications it arrived by; the stage machine;
triage, transfer, merging, the timeline and the case page."""
