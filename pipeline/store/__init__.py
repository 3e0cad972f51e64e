"""The store: articles, records, merged partnerships, review decisions and runs in one
database (SQLite by default, PostgreSQL by URL), the nightly ``run`` job and the exports."""
