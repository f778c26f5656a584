"""The samples quoted by docs/storybook.md (this folder is on sys.path in tests)."""
