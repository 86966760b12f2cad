"""Adapters: one interface per partner capability, a registry, and mock implementations.

Depends on nothing else in the project (see ARCHITECTURE.md).
"""
