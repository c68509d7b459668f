"""The LLM planner: an OpenAI-compatible model writes claim programs for the engine to run."""
