"""Everything that faces an LLM or a user: claim and verdict models, the extractor, the
verifier, the agent, the MCP server and the CLI."""
