"""One blueprint per audience: auth, assess (Kommune), admin; vendor serves local JS."""
