"""The application's version, in one place for the app, the API and the bundle."""

__version__ = "0.1.0"
