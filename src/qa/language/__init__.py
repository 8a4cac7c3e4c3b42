"""Language data (English and Chinese wording), kept apart from the logic that reads it."""
