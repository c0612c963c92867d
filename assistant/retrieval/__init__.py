"""Hybrid retrieval in three steps, one module each: ``plan`` (the constraints and terms of a
search, built once), ``search`` (the candidate chunks of the dense and keyword searches) and
``fusion`` (articles ranked by reciprocal rank fusion, then turned into numbered sources).
``assistant.retriever.HybridRetriever`` runs them."""
