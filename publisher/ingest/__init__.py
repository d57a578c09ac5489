"""Ingest: city web pages (fetched or saved) → page structure → RDF with provenance → validated file."""
