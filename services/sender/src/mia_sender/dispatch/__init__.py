"""Getting send requests out: intake, per-account dispatchers, pacing, backoff, leases."""
