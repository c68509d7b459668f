"""Test doubles shipped with the package: a local OpenAI-protocol server and a scripted model."""
