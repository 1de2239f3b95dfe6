"""What can stop a library from opening, importable without the database stack (the
launcher needs these names before the web app has loaded)."""


class SchemaError(Exception):
    """Something the user must be told about; the message is written for them."""


class DatabaseTooNew(SchemaError):
    pass


class UpgradeFailed(SchemaError):
    pass
