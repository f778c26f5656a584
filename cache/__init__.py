"""ember.cache."""
