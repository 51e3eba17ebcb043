"""The labs' own errors."""


class LabError(Exception):
    """Base of every error a lab raises on purpose: bad input to a lab function, with what to do instead."""
