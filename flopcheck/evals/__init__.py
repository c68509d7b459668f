"""Labelled datasets and the eval runner."""
