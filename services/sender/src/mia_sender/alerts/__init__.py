"""Channel alerts: raising them (with their event) and listing them for the dashboard."""

from mia_sender.alerts.service import raise_alert

__all__ = ["raise_alert"]
