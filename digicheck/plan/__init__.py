"""The Maßnahmenplan (issue 16): a municipality's own plan between rounds, for the Kommune and its consultants;
its pages, the documents for the council and the exports."""
