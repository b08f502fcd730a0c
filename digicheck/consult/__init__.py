"""The consultant workspace: overview, assessment review, validated levels and notes, IKZ group view,
exports and the briefing for an on-site appointment."""
