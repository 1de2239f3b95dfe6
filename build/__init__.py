"""Maintainer scripts: build the bundle, self-test it, package it per OS (see build.py)."""
