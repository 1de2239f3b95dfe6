"""Moving a library in and out: the importers of other apps' exports, the exporters, and
the import jobs that run in the background.

- ``records``: what every source is read into, whatever app wrote the file.
- ``sources``: one module per app that knows its file (``sniff`` it, ``read`` it).
- ``files``: opening what a user gave (encoding, delimiter, binary files refused).
- ``cells``: the small conversions every source needs (ISBN cells, stars, dates).
"""
