"""The legal pages (Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit): texts and routes."""
