"""Master IA campaigns: templates, campaigns, audience snapshots, cadences and enrollments."""
