"""Leading Learning: the content engine of a knowledge base about learning-focused school leadership.

The engine is plain Python. It loads and validates the corpus (:mod:`knowledgebase.load`),
links it into a concept graph (:mod:`knowledgebase.graph`) and plans reading paths
(:mod:`knowledgebase.paths`). Sphinx glue lives only in :mod:`knowledgebase.sphinxext`.
"""

__version__ = "0.1.0"
