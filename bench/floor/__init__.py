"""The framework floor: a minimal Django project of our own, for bench.load to compare with.

Stock `startproject` middleware, SQLite with the same options as Tending, sessions in the
database, the same password hasher, one sign-in page and one login-required page with a
tiny template. Served by gunicorn with the same settings as `./tend start`.
"""
