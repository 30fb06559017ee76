"""Review: requests to agencies for what they knew of the child, and the forms they return."""
