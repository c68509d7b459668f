"""The offline planner: quantities, sentences, entities and tables -> claim programs."""
