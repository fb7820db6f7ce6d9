"""One module per ``kgserver`` verb; each is a thin shell over a library function."""
