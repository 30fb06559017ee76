"""Review: the family's part in the review of their child's death: a key worker as their one
point of contact, who they are and how to reach them, every contact made, the support offered,
their questions and the letters sent to them. Seen by the area's coordinators and the case's
key worker only."""
