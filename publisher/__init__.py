"""lodpub: publish municipal web content as validated, dereferenceable linked open data."""

__version__ = "0.1.0"
