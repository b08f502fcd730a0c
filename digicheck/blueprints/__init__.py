"""One blueprint per audience: auth, assess (Kommune), admin; static files and plotly.js: digicheck/assets.py."""
