"""Cases: what falls due when, the reminder sweep and escalation, My tasks and the overdue
lists, agency timeliness."""
