"""The service layer: the only code that writes."""
