"""Review: panel meetings and their agendas, the anonymised papers and pack, the panel's
analysis and actions, and the national return."""
