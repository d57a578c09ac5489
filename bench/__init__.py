"""Benchmarks: ratios against the floors and the peers, measured in one run (`make bench`)."""
