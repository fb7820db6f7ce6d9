"""The web application: one Blueprint module per concern."""
