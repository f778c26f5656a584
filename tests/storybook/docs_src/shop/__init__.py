"""A small shop: its components and their stories (the docs' example)."""
