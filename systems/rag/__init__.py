"""Hybrid RAG retrieval (the RAG story): see README.md."""
