"""Stories used by the storybook tests (discovered as a package)."""
