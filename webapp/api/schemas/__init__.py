"""Marshmallow schemas: they validate requests, shape answers and generate the OpenAPI document."""
