"""Audiences: who a campaign reaches, frozen into its ledger at launch."""
