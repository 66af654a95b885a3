"""Question sets from other formats (XLSForm), converted with every loss listed."""
