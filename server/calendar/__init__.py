"""The shared calendar: every team's dated work in one place, and the clashes in it."""
