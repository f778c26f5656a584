"""A story for the storybook's isolation test in Chromium (tests/storybook/test_browser.py)."""
