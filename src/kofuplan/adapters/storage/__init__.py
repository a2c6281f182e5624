"""Storage: SQLAlchemy models, Alembic migrations and the repository the services use."""
