"""The churn model as an HTTP service (FastAPI on uvicorn), load-tested on loopback (SV claims)."""
