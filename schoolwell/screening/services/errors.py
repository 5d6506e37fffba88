class ScreeningInputError(ValueError):
    """Input that cannot be stored (rule 9): the message is for the user; nothing was saved.

    `errors` maps a field or student id to its own message, for forms and grids.
    """

    def __init__(self, message: str, errors: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
