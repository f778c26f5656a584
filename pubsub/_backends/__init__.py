"""broadcaster backends that ember supplies where the stock ones fail."""
