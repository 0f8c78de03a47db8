"""Test helpers of meta-ingest: builders of the bodies Meta posts to us."""
