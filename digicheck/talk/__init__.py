"""The conversation on an assessment (issue 16): threads per item and per assessment between the
Kommune and the consultation."""
