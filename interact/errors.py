"""The one exception a user's mistake raises, anywhere in the library."""


class UserError(Exception):
    """A mistake the user can fix: the CLI prints it on one line and exits 1.

    `candidates` are printed after it, one a line (close names, ambiguous matches).
    """

    def __init__(self, message: str, candidates=()):
        super().__init__(message)
        self.message = message
        self.candidates = list(candidates)
