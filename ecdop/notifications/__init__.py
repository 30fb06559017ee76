"""Cases: notifying a death (the form, and its rules shared with the API), receipts, and
matching a notification to its child's case."""
