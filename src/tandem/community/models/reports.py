"""Reports from residents and how they reach a group."""
