"""Whole pages cached for anonymous readers, and the generations that make
cached things stale. Knows no domain names: apps above it choose the scopes.
"""
