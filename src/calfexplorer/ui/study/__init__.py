"""Study mode: the dock, the question panel, scopes, statistics, the store banner, Anki export."""
