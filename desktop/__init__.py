"""The launcher that turns the Shelfmark web app into a desktop program."""
