"""The shared web service: server-rendered Japanese pages and a JSON API (FastAPI)."""
