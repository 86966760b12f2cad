"""Forms: field types, validation, normalisation, conditional logic, prefill, rendering.

Depends on nothing else in the project (see ARCHITECTURE.md).
"""
