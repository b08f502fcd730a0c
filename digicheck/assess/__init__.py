"""The Kommune's Digi-Check: dashboard, questionnaire pages, result, targets, history."""
