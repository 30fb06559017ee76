"""Foundation: one scheduler at a time, running the jobs it is given.

Only the scheduler holding the scheduler lock (a PostgreSQL advisory lock, or a file lock beside
a SQLite database) runs jobs; it confirms the lock every few seconds and before each job, and
records a heartbeat that the readiness check and the outbox page read. Another scheduler stands
by, idle, and takes over within seconds if the leader goes away or loses its lock. Each job also
holds its own lock, so that it never runs twice at once. Which jobs there are is the entry
points' business: the table is in ``ecdop/jobs``.
"""
